package accounts

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"baocao/internal/accounts/argon2"
)

// argon2id parameters: OWASP's minimum of 19 MiB and two passes. Hashing
// is limited to one at a time per core (the hashers below), so a burst of
// sign-ins queues instead of exhausting memory.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// Password hashes are computed by hashers, one per core. The first runs
// at normal priority, as any request: sign-ins always progress, at the
// speed of one core, or of a quarter of one while officials' requests
// wait for their turn (WhileWaiting). The others run on
// operating-system threads of the lowest priority (nice 19, see
// lowerThreadPriority): they take the CPU the cores have free, and the
// moment a signed-in official's request (or PostgreSQL) wants a core the
// kernel gives it to them. A storm of sign-ins on a deadline morning thus
// queues its sign-ins, first come first served, drains at the speed of
// every core when nothing else waits, and never slows the officials
// already typing by more than the one hasher did. Each hash takes ~30 ms
// and 19 MiB, so the hashers also bound the memory hashing holds.
var (
	hashJobs     = make(chan hashJob) // unbuffered: waiting senders queue in order
	startHashers sync.Once
	hashing      atomic.Int64 // password checks waiting for or in a hasher
	hashNanos    atomic.Int64 // a moving average of one hash's time
)

// HasherFree reports whether a password check would get a hasher soon:
// fewer checks waiting or running than four per hasher, a wait of a few
// hashes at most. The web layer then signs in at once, else it queues the
// sign-in and shows the waiting page (a storm's wait is seconds long).
func HasherFree() bool { return hashing.Load() < int64(4*hasherCount()) }

// HasherMemory is the memory the hashers keep between hashes, outside
// the Go heap (internal/accounts/argon2): the server's memory limit
// leaves it out.
func HasherMemory() int64 { return int64(hasherCount()) * argonMemory * 1024 }

// Hashers is the number of hashers, and HashTime the recent time of one
// hash: together the rate at which sign-ins can be checked.
func Hashers() int { return hasherCount() }

// HashTime is a moving average of the time one hash takes (30 ms before
// any was measured).
func HashTime() time.Duration {
	if n := hashNanos.Load(); n > 0 {
		return time.Duration(n)
	}
	return 30 * time.Millisecond
}

type hashJob struct {
	password, salt []byte
	memory, time   uint32
	threads        uint8
	key            chan []byte
}

// hasherCount is the number of hashers: one per core.
func hasherCount() int { return runtime.NumCPU() }

func hasher(low bool) {
	if low {
		runtime.LockOSThread() // never unlocked: the thread keeps its priority and ends with the process
		lowerThreadPriority()
	}
	// The hasher keeps its 19 MiB from one hash to the next, and lets the
	// collector have them after a quiet minute.
	var mem argon2.Memory
	idle := time.NewTimer(hasherIdle)
	for {
		select {
		case <-idle.C:
			mem.Release()
			continue
		case j := <-hashJobs:
			start := time.Now()
			hash := func() []byte { return mem.IDKey(j.password, j.salt, j.time, j.memory, j.threads, argonKeyLen) }
			if low && !othersAtWork() {
				// No official's request is being served: the hash goes on
				// one of the runtime's threads, of normal priority. On its
				// own thread of the lowest priority, any thread of the
				// runtime waking up would take the core from it, with
				// nothing else to do.
				key := make(chan []byte, 1)
				go func() { key <- hash() }()
				j.key <- <-key
			} else {
				j.key <- hash()
			}
			took := time.Since(start).Nanoseconds()
			if old := hashNanos.Load(); old == 0 {
				hashNanos.Store(took)
			} else {
				hashNanos.Store(old + (took-old)/8)
			}
			if !low && othersWait() {
				// Officials at work wait for their turn: the one hasher
				// of normal priority takes a quarter of its core, and the
				// others only what the kernel has left.
				time.Sleep(min(3*time.Duration(took), 300*time.Millisecond))
			}
			idle.Reset(hasherIdle)
		}
	}
}

// waiting tells whether officials' requests wait for their turn (the
// web layer's admission, see WhileWaiting).
var waiting atomic.Pointer[func() bool]

// WhileWaiting gives the hashers what tells them that signed-in officials'
// requests wait for their turn: while they do, the hasher of normal
// priority slows to a quarter of its core (sign-ins still progress, at
// about ten a second, and the cores left go to the officials at work).
func WhileWaiting(f func() bool) { waiting.Store(&f) }

func othersWait() bool {
	f := waiting.Load()
	return f != nil && (*f)()
}

// atWork tells whether signed-in officials' requests are being served or
// wait for their turn (the web layer's admission, see WhileAtWork).
var atWork atomic.Pointer[func() bool]

// WhileAtWork gives the hashers what tells them that signed-in officials'
// requests are being served or wait: while they are, the hashers of low
// priority hash on their own threads, which yield the cores to them;
// otherwise (a storm of sign-ins alone) every hasher hashes at normal
// priority. Without it, the hashers of low priority always yield.
func WhileAtWork(f func() bool) { atWork.Store(&f) }

func othersAtWork() bool {
	f := atWork.Load()
	return f == nil || *f == nil || (*f)()
}

// hasherIdle is how long a hasher keeps its memory without work.
const hasherIdle = time.Minute

// HashPassword returns the PHC-format argon2id hash of password.
func HashPassword(password string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err)
	}
	key, _ := argonKey(context.Background(), password, salt, argonMemory, argonTime, argonThreads)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches hash.
func CheckPassword(hash, password string) bool {
	ok, _ := checkPassword(context.Background(), hash, password)
	return ok
}

// checkPassword is CheckPassword for a request: a sign-in whose client
// gave up (or whose deadline passed) while it waited for a hasher leaves
// the queue unhashed, so a storm's hashers only work for officials still
// waiting.
func checkPassword(ctx context.Context, hash, password string) (bool, error) {
	var version int
	var memory, time uint32
	var threads uint8
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, nil
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &memory, &time, &threads); err != nil {
		return false, nil
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false, nil
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil {
		return false, nil
	}
	got, err := argonKey(ctx, password, salt, memory, time, threads)
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

func argonKey(ctx context.Context, password string, salt []byte, memory, time uint32, threads uint8) ([]byte, error) {
	startHashers.Do(func() {
		n := hasherCount()
		// A hasher holds a P while it runs, and a low-priority thread the
		// kernel keeps waiting would hold it for long: with one more P per
		// low-priority hasher, requests always have their Ps on normal
		// threads, and the kernel arbitrates the cores by priority.
		runtime.GOMAXPROCS(runtime.GOMAXPROCS(0) + n - 1)
		for i := range n {
			go hasher(i > 0)
		}
	})
	j := hashJob{password: []byte(password), salt: salt, memory: memory, time: time, threads: threads, key: make(chan []byte, 1)}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	hashing.Add(1)
	defer hashing.Add(-1)
	select {
	case hashJobs <- j:
		return <-j.key, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// dummyHash is checked against when a username does not exist, so that a
// wrong username takes as long as a wrong password.
var dummyHash = HashPassword("không có tài khoản này")

// PasswordProblem returns why password is too weak (in Vietnamese), or "".
// With two-factor sign-in 8 characters suffice; without, 14 characters
// from all four classes (SPEC §7).
func PasswordProblem(password, username string, mfa bool) string {
	n := len([]rune(password))
	switch {
	case n > 128:
		return "Mật khẩu không được dài quá 128 ký tự."
	case username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)):
		return "Mật khẩu không được chứa tên đăng nhập."
	case mfa && n < 8:
		return "Mật khẩu phải có ít nhất 8 ký tự."
	case mfa:
		return ""
	case n < 14 || classes(password) < 4:
		return "Mật khẩu phải có ít nhất 14 ký tự, gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt " +
			"(hoặc ít nhất 8 ký tự nếu bạn bật xác thực hai lớp)."
	}
	return ""
}

func classes(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// TemporaryPassword returns a random password that meets every rule, for
// a new account or a reset; the official must change it at first sign-in.
func TemporaryPassword() string {
	const (
		lower  = "abcdefghijkmnpqrstuvwxyz"
		upper  = "ABCDEFGHJKLMNPQRSTUVWXYZ"
		digits = "23456789"
		other  = "#%+=@!?"
	)
	sets := []string{lower, upper, digits, other, lower, upper, digits, lower, upper, digits, lower, upper, digits, other, lower, upper}
	b := make([]byte, len(sets))
	r := make([]byte, len(sets))
	if _, err := rand.Read(r); err != nil {
		panic(err)
	}
	for i, set := range sets {
		b[i] = set[int(r[i])%len(set)]
	}
	return string(b)
}
