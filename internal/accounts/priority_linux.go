package accounts

import "syscall"

// lowerThreadPriority gives the calling thread the lowest scheduling
// priority (nice 19): it runs on the cores no other thread wants. Lowering
// one's own priority needs no privilege.
func lowerThreadPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
