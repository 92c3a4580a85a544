//go:build !linux

package argon2

type mapping struct{}

func (m *Memory) allocate(n uint32) []block { return make([]block, n) }

func (m *Memory) free() {}
