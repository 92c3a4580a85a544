package accounts

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// One hasher per core: the first at normal priority, the others on
// threads of the lowest priority; parallel checks all get their answer.
func TestHashersRunAtLowestPriority(t *testing.T) {
	hash := HashPassword("Mật-khẩu-thử-2026")
	var wg sync.WaitGroup
	for i := range 2 * hasherCount() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := CheckPassword(hash, "Mật-khẩu-thử-2026"); !got {
				t.Errorf("check %d: the right password refused", i)
			}
			if CheckPassword(hash, "sai") {
				t.Errorf("check %d: a wrong password accepted", i)
			}
		}()
	}
	wg.Wait()
	stats, _ := filepath.Glob("/proc/self/task/*/stat")
	low := 0
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// Fields after the command's closing parenthesis: state is the 3rd
		// field of the line, nice the 19th.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) > 16 && f[16] == "19" {
			low++
		}
	}
	if low != hasherCount()-1 {
		t.Errorf("%d threads at nice 19, want %d (one hasher per core but the first)", low, hasherCount()-1)
	}
}

// lowThreadsTime is the processor time the threads of the lowest
// priority have had (schedstat: nanoseconds on a core).
func lowThreadsTime(t *testing.T) time.Duration {
	stats, _ := filepath.Glob("/proc/self/task/*/stat")
	var sum time.Duration
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) <= 16 || f[16] != "19" {
			continue
		}
		sched, err := os.ReadFile(strings.TrimSuffix(p, "stat") + "schedstat")
		if err != nil {
			t.Skip("no schedstat here")
		}
		ns, _ := strconv.ParseInt(strings.Fields(string(sched))[0], 10, 64)
		sum += time.Duration(ns)
	}
	return sum
}

// TestHashersYieldOnlyToOfficialsAtWork: while no signed-in official's
// request is served, no hash runs on the threads of the lowest priority
// (any thread of the runtime waking up took the core from them); while
// one is, the hashers but the first hash there, yielding the cores. A
// hash is far more than 5 ms of processor time on any machine (19 MiB,
// two passes), and handing it on far less; a loaded machine may starve
// the threads of the lowest priority, but the one job such a hasher
// takes is still worked there, whenever it gets the core.
func TestHashersYieldOnlyToOfficialsAtWork(t *testing.T) {
	hash := HashPassword("Mật-khẩu-thử-2026")
	checks := func() {
		var wg sync.WaitGroup
		for range 8 * hasherCount() {
			wg.Go(func() {
				if !CheckPassword(hash, "Mật-khẩu-thử-2026") {
					t.Error("the right password refused")
				}
			})
		}
		wg.Wait()
	}
	const aHash = 5 * time.Millisecond
	defer WhileAtWork(nil)
	WhileAtWork(func() bool { return false })
	checks() // the hashers started, their memory mapped
	before := lowThreadsTime(t)
	checks()
	if idle := lowThreadsTime(t) - before; idle >= aHash {
		t.Errorf("with nobody at work, the threads of the lowest priority hashed for %v", idle)
	}
	if hasherCount() < 2 {
		return
	}
	WhileAtWork(func() bool { return true })
	before = lowThreadsTime(t)
	checks()
	if busy := lowThreadsTime(t) - before; busy < aHash {
		t.Errorf("with officials at work, the threads of the lowest priority hashed for %v only", busy)
	}
}

// BenchmarkCheckPasswordParallel is what the machine can hash with every
// core when no official is at work: the ceiling of sign-ins per second
// (hashes/s).
func BenchmarkCheckPasswordParallel(b *testing.B) {
	WhileAtWork(func() bool { return false })
	defer WhileAtWork(nil)
	hash := HashPassword("Mật-khẩu-thử-2026")
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			CheckPassword(hash, "Mật-khẩu-thử-2026")
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "hashes/s")
}

// A check whose request has ended is not hashed (one that ends while it
// waits leaves the queue: argonKey's select).
func TestCheckPasswordLeavesQueueWhenRequestEnds(t *testing.T) {
	hash := HashPassword("Mật-khẩu-thử-2026")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ok, err := checkPassword(ctx, hash, "Mật-khẩu-thử-2026")
	if ok || err != context.Canceled {
		t.Fatalf("checkPassword after the request ended: %v, %v", ok, err)
	}
	if ok, err := checkPassword(context.Background(), hash, "Mật-khẩu-thử-2026"); !ok || err != nil {
		t.Fatalf("checkPassword: %v, %v", ok, err)
	}
}

// TestHasherAsksWhetherOfficialsWait: the hasher of normal priority asks,
// after each hash, whether officials' requests wait for their turn (it
// then slows to a quarter of its core); the answers are still right.
func TestHasherAsksWhetherOfficialsWait(t *testing.T) {
	var asked atomic.Int64
	WhileWaiting(func() bool { asked.Add(1); return true })
	defer WhileWaiting(func() bool { return false })
	hash := HashPassword("Mật-khẩu-thử-2026")
	for i := range 4 * hasherCount() {
		if !CheckPassword(hash, "Mật-khẩu-thử-2026") {
			t.Fatalf("check %d: the right password refused", i)
		}
	}
	if asked.Load() == 0 {
		t.Error("no hasher asked whether officials wait")
	}
}
