package seed

import (
	"context"
	"fmt"

	"baocao/internal/accounts"
	"baocao/internal/database"
)

// DemoPassword is every demo account's first password; each must be
// changed at first sign-in.
const DemoPassword = "KhanhHoa@2026-demo"

// DemoAccount is a demo account and what it shows.
type DemoAccount struct {
	Username, FullName, Position, UnitKey string
	Tier                                  accounts.Tier
	Rights                                []accounts.Right
	Journey                               string // what to try with it (README.md)
	Created                               bool   // false when it existed already
}

// Unit keys of the demo: Sở Y tế, phường Nha Trang, xã Cam Lâm and the
// provincial People's Committee's office.
const (
	DemoDepartment = "so-y-te"
	DemoCommune    = "xa-22366" // phường Nha Trang
	DemoCommune2   = "xa-22453" // xã Cam Lâm
	DemoProvince   = "vp-ubnd"  // Văn phòng UBND tỉnh
)

func demoAccounts() []DemoAccount {
	u := accounts.User
	return []DemoAccount{
		{"qtht", "Trần Minh Quân", "Chuyên viên Trung tâm Chuyển đổi số", "so-kh-cn", accounts.SystemAdmin, nil, "units, outages, holidays, trust, usage report, audit", false},
		{"qt.syte", "Lê Thị Thu Hà", "Chuyên viên Văn phòng Sở", DemoDepartment, accounts.UnitAdmin, nil, "users of Sở Y tế; designs the health regime", false},
		{"qt.nhatrang", "Phạm Văn Tùng", "Công chức Văn phòng - Thống kê", DemoCommune, accounts.UnitAdmin, nil, "users of phường Nha Trang", false},
		{"qt.camlam", "Võ Thị Mai", "Công chức Văn phòng - Thống kê", DemoCommune2, accounts.UnitAdmin, nil, "users of xã Cam Lâm", false},
		{"nhaplieu.syte", "Đặng Thị Hồng", "Chuyên viên Phòng Kế hoạch - Tài chính", DemoDepartment, u, []accounts.Right{accounts.Enter}, "enters Sở Y tế's socio-economic report", false},
		{"tonghop.syte", "Huỳnh Văn Lợi", "Trưởng phòng Kế hoạch - Tài chính", DemoDepartment, u, []accounts.Right{accounts.Enter, accounts.Consolidate}, "receives the communes' health reports: accept, return, consolidate, pre-fill and send up", false},
		{"lanhdao.syte", "Nguyễn Văn Nghĩa", "Giám đốc Sở", DemoDepartment, u, []accounts.Right{accounts.Approve}, "approves and signs; accepts or returns the communes' reports; dashboards", false},
		{"vanthu.syte", "Bùi Thị Kim Liên", "Văn thư", DemoDepartment, u, []accounts.Right{accounts.Send}, "seals and sends Sở Y tế's reports", false},
		{"nhaplieu.nhatrang", "Nguyễn Thị Hương", "Công chức Văn phòng - Thống kê", DemoCommune, u, []accounts.Right{accounts.Enter}, "enters the commune's reports (paste from Excel, autosave)", false},
		{"tonghop.nhatrang", "Trần Quốc Việt", "Công chức Tài chính - Kế toán", DemoCommune, u, []accounts.Right{accounts.Enter, accounts.Consolidate}, "enters and submits the commune's reports", false},
		{"lanhdao.nhatrang", "Lê Văn Dũng", "Chủ tịch Ủy ban nhân dân phường", DemoCommune, u, []accounts.Right{accounts.Approve}, "approves or returns internally, signs", false},
		{"vanthu.nhatrang", "Phan Thị Nga", "Văn thư", DemoCommune, u, []accounts.Right{accounts.Send}, "seals and sends; E-Office during an outage", false},
		{"nhaplieu.camlam", "Hồ Văn Sơn", "Công chức Văn phòng - Thống kê", DemoCommune2, u, []accounts.Right{accounts.Enter, accounts.Consolidate}, "enters and submits the reports of a small commune", false},
		{"lanhdao.camlam", "Ngô Thị Thu Thủy", "Chủ tịch Ủy ban nhân dân xã", DemoCommune2, u, []accounts.Right{accounts.Approve, accounts.Send}, "approves, signs and sends in one account", false},
		// The receivers of the province: Văn phòng UBND tỉnh receives the
		// socio-economic, procedures and (from Sở Y tế) health reports;
		// Sở Khoa học và Công nghệ the usage reports.
		{"tonghop.vpubnd", "Đoàn Minh Khoa", "Chuyên viên Phòng Tổng hợp", DemoProvince, u, []accounts.Right{accounts.Enter, accounts.Consolidate}, "receives the departments' and communes' reports at the province; trends", false},
		{"lanhdao.vpubnd", "Trần Thị Phương Thảo", "Phó Chánh Văn phòng", DemoProvince, u, []accounts.Right{accounts.Approve, accounts.Send}, "the province's leader: dashboards, accepts or returns", false},
		{"tonghop.khcn", "Lâm Quốc Bảo", "Chuyên viên Trung tâm Chuyển đổi số", "so-kh-cn", u, []accounts.Right{accounts.Enter, accounts.Consolidate, accounts.Approve}, "receives the usage reports (QĐ 2838 Điều 12)", false},
	}
}

// Demo adds the demo accounts that are missing, all with DemoPassword, and
// returns every demo account.
func Demo(ctx context.Context, db *database.DB) ([]DemoAccount, error) {
	list := demoAccounts()
	hash := accounts.HashPassword(DemoPassword)
	for i, a := range list {
		rights := make([]string, 0, len(a.Rights))
		for _, r := range a.Rights {
			rights = append(rights, string(r))
		}
		// The shared demo password is a temporary one: kept in the history
		// so that nobody keeps it.
		tag, err := db.Exec(ctx, `
			WITH created AS (
				INSERT INTO accounts (username, full_name, position, unit_id, tier, rights, password_hash, email)
				SELECT $1, $2, $3, u.id, $4, $5, $6, $1 || '@demo.khanhhoa.gov.vn' FROM units u WHERE u.key = $7
				ON CONFLICT DO NOTHING RETURNING id, password_hash)
			INSERT INTO password_history (account_id, password_hash, temporary) SELECT id, password_hash, true FROM created`,
			a.Username, a.FullName, a.Position, string(a.Tier), rights, hash, a.UnitKey)
		if err != nil {
			return nil, fmt.Errorf("demo account %s: %w", a.Username, err)
		}
		list[i].Created = tag.RowsAffected() == 1
	}
	return list, nil
}
