package argon2

import (
	"runtime"
	"syscall"
	"unsafe"
)

// A Memory's blocks are mapped from the kernel, outside the Go heap: the
// hashers keep 19 MiB each between hashes, and on the heap those would
// count against the server's memory limit, so that the collector ran
// more often for every other request (a quarter of a load test's server
// CPU went to the collector with them there). The kernel's pages are also never
// zeroed by Go before the first pass overwrites them.
type mapping struct {
	raw     []byte
	cleanup runtime.Cleanup
}

func (m *Memory) allocate(n uint32) []block {
	m.free()
	raw, err := syscall.Mmap(-1, 0, int(n)*blockLength*8, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return make([]block, n) // out of address space: the heap then
	}
	// Huge pages where the kernel has them: a hash reads its blocks at
	// random, and with 4 KiB pages a hash took 6 % longer.
	_ = syscall.Madvise(raw, 14 /* MADV_HUGEPAGE */)
	// A Memory dropped without Release gives its pages back when collected.
	m.mapped = &mapping{raw: raw, cleanup: runtime.AddCleanup(m, func(raw []byte) { syscall.Munmap(raw) }, raw)}
	return unsafe.Slice((*block)(unsafe.Pointer(unsafe.SliceData(raw))), n)
}

func (m *Memory) free() {
	if m.mapped != nil {
		m.mapped.cleanup.Stop()
		syscall.Munmap(m.mapped.raw)
		m.mapped = nil
	}
}
