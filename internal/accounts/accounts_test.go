package accounts_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
)

const (
	msgTooLong      = "Mật khẩu không được dài quá 128 ký tự."
	msgHasUsername  = "Mật khẩu không được chứa tên đăng nhập."
	msgShortWithMFA = "Mật khẩu phải có ít nhất 8 ký tự."
	msgWeak         = "Mật khẩu phải có ít nhất 14 ký tự, gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt " +
		"(hoặc ít nhất 8 ký tự nếu bạn bật xác thực hai lớp)."
)

func TestPasswordProblem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		password string
		username string
		mfa      bool
		want     string
	}{
		{"empty", "", "", false, msgWeak},
		{"empty with MFA", "", "", true, msgShortWithMFA},
		{"7 chars with MFA", "Ab1!xyz", "", true, msgShortWithMFA},
		{"8 chars with MFA", "abcdefgh", "", true, ""},
		{"8 chars without MFA", "Ab1!xyzw", "", false, msgWeak},
		{"13 chars, 4 classes", "Abcdefghijk1!", "", false, msgWeak},
		{"14 chars, 4 classes", "Abcdefghijkl1!", "", false, ""},
		{"14 chars, no symbol", "Abcdefghijklm1", "", false, msgWeak},
		{"14 chars, no digit", "Abcdefghijklm!", "", false, msgWeak},
		{"14 chars, no upper", "abcdefghijkl1!", "", false, msgWeak},
		{"14 chars, no lower", "ABCDEFGHIJKL1!", "", false, msgWeak},
		{"long lower-case only", strings.Repeat("a", 40), "", false, msgWeak},
		{"Vietnamese letters count as one rune each", "Đặng Hồng 2026", "", false, ""},
		{"13 Vietnamese runes, 27 bytes", "Đặng Hồng 202", "", false, msgWeak},
		{"contains username", "Xin chào nguyen.vana 2026!", "nguyen.vana", false, msgHasUsername},
		{"contains username, other case, with MFA", "NGUYEN.VANA1", "nguyen.vana", true, msgHasUsername},
		{"no username given", "Xin chào nguyen.vana 2026!", "", false, ""},
		{"128 chars", "Aa1!" + strings.Repeat("x", 124), "", false, ""},
		{"129 chars", "Aa1!" + strings.Repeat("x", 125), "", false, msgTooLong},
		{"129 chars with MFA", strings.Repeat("x", 129), "", true, msgTooLong},
		{"129 runes of 2 bytes", strings.Repeat("ư", 129), "", true, msgTooLong},
	}
	for _, tt := range tests {
		if got := accounts.PasswordProblem(tt.password, tt.username, tt.mfa); got != tt.want {
			t.Errorf("%s: PasswordProblem(%q, %q, %v) = %q, want %q", tt.name, tt.password, tt.username, tt.mfa, got, tt.want)
		}
	}
}

func TestHashAndCheckPassword(t *testing.T) {
	t.Parallel()
	const password = "Mật khẩu đúng 2026!"
	h := accounts.HashPassword(password)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") || len(strings.Split(h, "$")) != 6 {
		t.Fatalf("hash %q is not a PHC argon2id string with the OWASP parameters", h)
	}
	if strings.Contains(h, password) {
		t.Fatal("hash contains the password")
	}
	if !accounts.CheckPassword(h, password) {
		t.Error("CheckPassword(right password) = false")
	}
	if accounts.CheckPassword(h, "Mật khẩu đúng 2026?") {
		t.Error("CheckPassword(wrong password) = true")
	}
	if accounts.CheckPassword(h, norm.NFD.String(password)) {
		t.Error("CheckPassword compares bytes: the decomposed form is another password")
	}
	h2 := accounts.HashPassword(password)
	if h2 == h {
		t.Error("two hashes of one password are equal: no random salt")
	}
	parts := strings.Split(h, "$")
	for name, bad := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        strings.Replace(h, "$argon2id$", "$argon2i$", 1),
		"other version":  strings.Replace(h, "$v=19$", "$v=16$", 1),
		"no parameters":  strings.Replace(h, parts[3], "x", 1),
		"bad salt":       strings.Replace(h, parts[4], "!!!", 1),
		"bad key":        strings.Replace(h, parts[5], "!!!", 1),
		"missing key":    strings.Join(parts[:5], "$"),
		"plain password": password,
	} {
		if accounts.CheckPassword(bad, password) {
			t.Errorf("CheckPassword(%s hash) = true", name)
		}
	}
}

func TestTemporaryPassword(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for range 200 {
		p := accounts.TemporaryPassword()
		if problem := accounts.PasswordProblem(p, "", false); problem != "" {
			t.Fatalf("TemporaryPassword() = %q: %s", p, problem)
		}
		if len(p) != 16 {
			t.Errorf("TemporaryPassword() = %q, want 16 characters", p)
		}
		if strings.ContainsAny(p, "0O1lIo") {
			t.Errorf("TemporaryPassword() = %q has a character easily misread", p)
		}
		if seen[p] {
			t.Errorf("TemporaryPassword() repeated %q", p)
		}
		seen[p] = true
	}
}

func TestInputValidate(t *testing.T) {
	t.Parallel()
	valid := func() accounts.Input {
		return accounts.Input{Username: "nguyen.vana", FullName: "Nguyễn Văn A", Email: "nguyenvana@khanhhoa.gov.vn",
			UnitID: 1, Tier: accounts.User, Rights: []accounts.Right{accounts.Enter}}
	}
	const (
		msgUsername = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
		msgEmail    = "Địa chỉ thư điện tử chưa đúng, ví dụ: nguyenvana@khanhhoa.gov.vn."
	)
	tests := []struct {
		name     string
		edit     func(*accounts.Input)
		creating bool
		fields   map[string]string // nil: valid
	}{
		{"valid", func(*accounts.Input) {}, true, nil},
		{"username with spaces", func(in *accounts.Input) { in.Username = "Nguyen Van A" }, true, map[string]string{"username": msgUsername}},
		{"username with diacritics", func(in *accounts.Input) { in.Username = "nguyễn" }, true, map[string]string{"username": msgUsername}},
		{"username too short", func(in *accounts.Input) { in.Username = "ab" }, true, map[string]string{"username": msgUsername}},
		{"username too long", func(in *accounts.Input) { in.Username = strings.Repeat("a", 65) }, true, map[string]string{"username": msgUsername}},
		{"upper-case username is lowered", func(in *accounts.Input) { in.Username = " Nguyen.VanA " }, true, nil},
		{"bad username ignored when editing", func(in *accounts.Input) { in.Username = "Nguyen Van A" }, false, nil},
		{"bad email", func(in *accounts.Input) { in.Email = "nguyenvana@" }, true, map[string]string{"email": msgEmail}},
		{"email with a display name", func(in *accounts.Input) { in.Email = "A <a@khanhhoa.gov.vn>" }, true, map[string]string{"email": msgEmail}},
		{"no email", func(in *accounts.Input) { in.Email = "  " }, true, nil},
		{"missing unit", func(in *accounts.Input) { in.UnitID = 0 }, true, map[string]string{"unit_id": "Chọn cơ quan, đơn vị."}},
		{"unknown right", func(in *accounts.Input) { in.Rights = []accounts.Right{accounts.Enter, "delete"} }, true,
			map[string]string{"rights": "Quyền không hợp lệ."}},
		{"unknown tier", func(in *accounts.Input) { in.Tier = "root" }, true, map[string]string{"tier": "Chọn loại tài khoản."}},
		{"no tier when editing", func(in *accounts.Input) { in.Tier = "" }, false, nil},
		{"no full name", func(in *accounts.Input) { in.FullName = " " }, true, map[string]string{"full_name": "Nhập họ và tên."}},
		{"long full name", func(in *accounts.Input) { in.FullName = strings.Repeat("ơ", 201) }, true,
			map[string]string{"full_name": "Họ và tên không được dài quá 200 ký tự."}},
		{"long position", func(in *accounts.Input) { in.Position = strings.Repeat("ơ", 201) }, true,
			map[string]string{"position": "Chức vụ không được dài quá 200 ký tự."}},
		{"long phone", func(in *accounts.Input) { in.Phone = strings.Repeat("0", 31) }, true,
			map[string]string{"phone": "Số điện thoại không được dài quá 30 ký tự."}},
		{"several problems", func(in *accounts.Input) { in.Username, in.Email, in.UnitID = "Nguyen Van A", "x", 0 }, true,
			map[string]string{"username": msgUsername, "email": msgEmail, "unit_id": "Chọn cơ quan, đơn vị."}},
	}
	for _, tt := range tests {
		in := valid()
		tt.edit(&in)
		err := in.Validate(tt.creating)
		if tt.fields == nil {
			if err != nil {
				t.Errorf("%s: Validate = %v", tt.name, err)
			}
			continue
		}
		if apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s: Validate = %v, want Invalid", tt.name, err)
			continue
		}
		if got := apperr.FieldErrors(err); !maps.Equal(got, tt.fields) {
			t.Errorf("%s: fields %q, want %q", tt.name, got, tt.fields)
		}
	}
}

func TestInputValidateNormalises(t *testing.T) {
	t.Parallel()
	in := accounts.Input{Username: " Nguyen.VanA ", FullName: "  " + norm.NFD.String("Nguyễn Văn Ánh") + " ",
		Position: norm.NFD.String(" Chuyên viên "), Email: " a@khanhhoa.gov.vn ", Phone: " 0258 3822 000 ", UnitID: 1, Tier: accounts.User,
		Rights: []accounts.Right{accounts.Send, accounts.Enter, accounts.Send, accounts.Approve}}
	if err := in.Validate(true); err != nil {
		t.Fatal(err)
	}
	want := accounts.Input{Username: "nguyen.vana", FullName: "Nguyễn Văn Ánh", Position: "Chuyên viên", Email: "a@khanhhoa.gov.vn",
		Phone: "0258 3822 000", UnitID: 1, Tier: accounts.User, Rights: []accounts.Right{accounts.Approve, accounts.Enter, accounts.Send}}
	if in.Username != want.Username || in.FullName != want.FullName || in.Position != want.Position || in.Email != want.Email ||
		in.Phone != want.Phone || !slices.Equal(in.Rights, want.Rights) {
		t.Errorf("normalised input %+v, want %+v", in, want)
	}
}

func TestAccountState(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 16, 10, 0, 0, 0, time.UTC)
	admin := accounts.Account{Tier: accounts.UnitAdmin, PasswordChangedAt: now.Add(-61 * 24 * time.Hour), LastSignInAt: now}
	user := accounts.Account{Tier: accounts.User, PasswordChangedAt: now.Add(-400 * 24 * time.Hour), LastSignInAt: now,
		Rights: []accounts.Right{accounts.Enter, accounts.Send}}
	if !admin.PasswordExpired(now) || !admin.IsAdmin() {
		t.Error("an admin password of 61 days has not expired")
	}
	if admin.PasswordChangedAt = now.Add(-59 * 24 * time.Hour); admin.PasswordExpired(now) {
		t.Error("an admin password of 59 days has expired")
	}
	if user.PasswordExpired(now) || user.IsAdmin() {
		t.Error("a user's password expires, or a user is an admin")
	}
	if !user.Has(accounts.Send) || user.Has(accounts.Approve) {
		t.Errorf("Has: rights %v", user.Rights)
	}
	tests := []struct {
		name   string
		a      accounts.Account
		label  string
		locked bool
	}{
		{"active", user, "Đang hoạt động", false},
		{"never signed in", accounts.Account{}, "Chưa đăng nhập", false},
		{"locked", accounts.Account{LockedUntil: now.Add(time.Minute), LastSignInAt: now}, "Bị khóa", true},
		{"lock ended", accounts.Account{LockedUntil: now, LastSignInAt: now}, "Đang hoạt động", false},
		{"disabled and locked", accounts.Account{DisabledAt: now, LockedUntil: now.Add(time.Hour)}, "Đã vô hiệu hóa", true},
	}
	for _, tt := range tests {
		if label, _ := tt.a.Status(now); label != tt.label || tt.a.Locked(now) != tt.locked {
			t.Errorf("%s: Status = %q, Locked = %v; want %q, %v", tt.name, label, tt.a.Locked(now), tt.label, tt.locked)
		}
	}
	for tier, name := range map[accounts.Tier]string{accounts.SystemAdmin: "Quản trị hệ thống", accounts.UnitAdmin: "Quản trị đơn vị",
		accounts.User: "Người dùng"} {
		if tier.Name() != name {
			t.Errorf("%s.Name() = %q", tier, tier.Name())
		}
	}
	for _, r := range accounts.Rights {
		if r.Name() == string(r) {
			t.Errorf("right %s has no Vietnamese name", r)
		}
	}
}
