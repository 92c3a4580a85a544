//go:build !linux

package accounts

// lowerThreadPriority is a no-op where threads cannot be given a priority
// of their own: hashing then shares the cores evenly with requests.
func lowerThreadPriority() {}
