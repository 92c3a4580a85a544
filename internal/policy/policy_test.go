package policy

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/database/dbtest"
	"baocao/internal/seed"
	"baocao/internal/units"
)

// allActions is every Action constant; the test fails when one is added
// without being covered here.
var allActions = []Action{Public, SignedIn, ManageUnits, ViewAccounts, CreateAccount, ManageAccount, ViewAudit,
	ViewCatalog, ManageIndicator, ManageHolidays, ViewRegimes, ManageRegime, ConfirmAssignments, ViewOwnReports,
	ViewReport, EditReport, ApproveReport, SendReport, ReceiveReport, ViewReceived, ManageOutages,
	ManageTrust, ManageSeal, ManageAPIClients, ViewUsage, ViewDashboards, ViewActivity, ManageOwnSignature, ViewPredecessorReports}

// TestAllActionsListed reads policy.go and fails when an Action constant
// is missing from allActions.
func TestAllActionsListed(t *testing.T) {
	t.Parallel()
	file, err := parser.ParseFile(token.NewFileSet(), "policy.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, a := range allActions {
		listed[string(a)] = true
	}
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.ValueSpec)
		if !ok || spec.Type == nil || fmt.Sprint(spec.Type) != "Action" {
			return true
		}
		for _, v := range spec.Values {
			lit, ok := v.(*ast.BasicLit)
			if ok && !listed[strings.Trim(lit.Value, `"`)] {
				t.Errorf("action %s is not in allActions", lit.Value)
			}
		}
		return true
	})
}

func newPolicy(tb testing.TB) (*Policy, func(key string) int64) {
	tb.Helper()
	ctx := context.Background()
	db := dbtest.New(tb)
	if err := seed.Reference(ctx, db); err != nil {
		tb.Fatalf("seed.Reference: %v", err)
	}
	store := units.NewStore(db)
	unit := func(key string) int64 {
		tb.Helper()
		u, err := store.UnitByKey(ctx, key)
		if err != nil {
			tb.Fatalf("unit %s: %v", key, err)
		}
		return u.ID
	}
	return &Policy{Tree: store}, unit
}

func TestAuthorize(t *testing.T) {
	t.Parallel()
	p, unit := newPolicy(t)
	ctx := context.Background()
	var (
		syte, xa, vp, tt, kh = unit("so-y-te"), unit("xa-22366"), unit("vp-ubnd"), unit("tt-phvhcc"), unit("so-kh-cn")
		tinh                 = unit("ubnd-tinh")

		sysAdmin   = &accounts.Account{ID: 1, Username: "qtht", Tier: accounts.SystemAdmin, UnitID: kh}
		sysAdmin2  = &accounts.Account{ID: 2, Username: "qtht2", Tier: accounts.SystemAdmin, UnitID: kh}
		syteAdmin  = &accounts.Account{ID: 3, Username: "qt.syte", Tier: accounts.UnitAdmin, UnitID: syte}
		vpAdmin    = &accounts.Account{ID: 4, Username: "qt.vp", Tier: accounts.UnitAdmin, UnitID: vp}
		tinhAdmin  = &accounts.Account{ID: 5, Username: "qt.tinh", Tier: accounts.UnitAdmin, UnitID: tinh}
		syteUser   = &accounts.Account{ID: 6, Username: "nhaplieu.syte", Tier: accounts.User, UnitID: syte, Rights: []accounts.Right{accounts.Enter}}
		syteLeader = &accounts.Account{ID: 7, Username: "lanhdao.syte", Tier: accounts.User, UnitID: syte,
			Rights: []accounts.Right{accounts.Enter, accounts.Consolidate, accounts.Approve, accounts.Send}}
	)
	const (
		ok           = ""
		unauthorized = apperr.Unauthorized
		forbidden    = apperr.Forbidden
	)
	userIn := func(u int64) *Object { return &Object{UnitID: u, Tier: accounts.User, AccountID: 100} }
	adminIn := func(u int64) *Object { return &Object{UnitID: u, Tier: accounts.UnitAdmin, AccountID: 101} }
	sysIn := func(u int64) *Object { return &Object{UnitID: u, Tier: accounts.SystemAdmin, AccountID: 102} }
	self := func(a *accounts.Account) *Object { return &Object{UnitID: a.UnitID, Tier: a.Tier, AccountID: a.ID} }

	type check struct {
		who  string
		a    *accounts.Account
		act  Action
		obj  *Object
		want string // "" allowed, else the apperr code
	}
	var tests []check
	// Anonymous: only Public, whatever the object.
	for _, act := range allActions {
		want := unauthorized
		if act == Public {
			want = ok
		}
		tests = append(tests, check{"anonymous", nil, act, nil, want}, check{"anonymous", nil, act, userIn(syte), want})
	}
	// Every tier may do Public and SignedIn.
	for _, a := range []*accounts.Account{sysAdmin, syteAdmin, syteUser, syteLeader} {
		tests = append(tests, check{a.Username, a, Public, nil, ok}, check{a.Username, a, SignedIn, nil, ok})
	}
	tests = append(tests,
		// Units: system admins only.
		check{"system admin", sysAdmin, ManageUnits, nil, ok},
		check{"unit admin", syteAdmin, ManageUnits, nil, forbidden},
		check{"province unit admin", tinhAdmin, ManageUnits, nil, forbidden},
		check{"user", syteUser, ManageUnits, nil, forbidden},
		check{"user with every right", syteLeader, ManageUnits, nil, forbidden},
		// Listings of accounts and the audit log: both admin tiers.
		check{"system admin", sysAdmin, ViewAccounts, nil, ok},
		check{"unit admin", syteAdmin, ViewAccounts, nil, ok},
		check{"user", syteUser, ViewAccounts, nil, forbidden},
		check{"user with every right", syteLeader, ViewAccounts, nil, forbidden},
		check{"system admin", sysAdmin, ViewAudit, nil, ok},
		check{"unit admin", syteAdmin, ViewAudit, nil, ok},
		check{"user", syteUser, ViewAudit, nil, forbidden},
		check{"user with every right", syteLeader, ViewAudit, nil, forbidden},
	)
	for _, act := range []Action{CreateAccount, ManageAccount} {
		tests = append(tests,
			// System admins: any account anywhere …
			check{"system admin, user elsewhere", sysAdmin, act, userIn(xa), ok},
			check{"system admin, unit admin", sysAdmin, act, adminIn(syte), ok},
			check{"system admin, other system admin", sysAdmin, act, sysIn(kh), ok},
			check{"system admin, closed unit", sysAdmin, act, userIn(unit("ubnd-nha-trang")), ok},
			check{"system admin, no object", sysAdmin, act, nil, forbidden},
			// Unit admins: users of their own subtree only.
			check{"so-y-te admin, user in so-y-te", syteAdmin, act, userIn(syte), ok},
			check{"so-y-te admin, user in xa-22366", syteAdmin, act, userIn(xa), forbidden},
			check{"so-y-te admin, unit admin in so-y-te", syteAdmin, act, adminIn(syte), forbidden},
			check{"so-y-te admin, system admin in so-y-te", syteAdmin, act, sysIn(syte), forbidden},
			check{"so-y-te admin, no object", syteAdmin, act, nil, forbidden},
			check{"vp-ubnd admin, user in tt-phvhcc", vpAdmin, act, userIn(tt), ok},
			check{"vp-ubnd admin, unit admin in tt-phvhcc", vpAdmin, act, adminIn(tt), forbidden},
			check{"vp-ubnd admin, user in ubnd-tinh", vpAdmin, act, userIn(tinh), forbidden},
			check{"ubnd-tinh admin, user in xa-22366", tinhAdmin, act, userIn(xa), ok},
			check{"ubnd-tinh admin, user in a closed pre-2025 unit", tinhAdmin, act, userIn(unit("ubnd-nha-trang")), forbidden},
			// Users: never.
			check{"user, user of its unit", syteUser, act, userIn(syte), forbidden},
			check{"user with every right, user of its unit", syteLeader, act, userIn(syte), forbidden},
			check{"user, no object", syteUser, act, nil, forbidden},
		)
	}
	tests = append(tests,
		// The catalogue: everyone reads it; the holiday calendar is the system admins'.
		check{"user", syteUser, ViewCatalog, nil, ok},
		check{"system admin", sysAdmin, ManageHolidays, nil, ok},
		check{"unit admin", syteAdmin, ManageHolidays, nil, forbidden},
		check{"system admin", sysAdmin, ManageOutages, nil, ok},
		check{"unit admin", syteAdmin, ManageOutages, nil, forbidden},
		// Trust anchors are the system admins'; a unit's seal its admin's too.
		check{"system admin", sysAdmin, ManageTrust, nil, ok},
		check{"system admin", sysAdmin, ManageAPIClients, nil, ok},
		check{"system admin", sysAdmin, ViewUsage, nil, ok},
		check{"unit admin", syteAdmin, ViewUsage, nil, ok},
		check{"user with every right", syteLeader, ViewUsage, nil, forbidden},
		check{"unit admin", syteAdmin, ViewPredecessorReports, nil, ok},
		check{"user with every right", syteLeader, ViewPredecessorReports, nil, forbidden},
		check{"unit admin", syteAdmin, ManageAPIClients, nil, forbidden},
		check{"user with every right", syteLeader, ManageAPIClients, nil, forbidden},
		check{"unit admin", syteAdmin, ManageTrust, nil, forbidden},
		check{"user with every right", syteLeader, ManageTrust, nil, forbidden},
		check{"system admin, any unit's seal", sysAdmin, ManageSeal, &Object{UnitID: xa}, ok},
		check{"so-y-te admin, its own seal", syteAdmin, ManageSeal, &Object{UnitID: syte}, ok},
		check{"so-y-te admin, xa-22366's seal", syteAdmin, ManageSeal, &Object{UnitID: xa}, forbidden},
		check{"so-y-te admin, no unit", syteAdmin, ManageSeal, nil, forbidden},
		check{"user with every right, its own seal", syteLeader, ManageSeal, &Object{UnitID: syte}, forbidden},
		check{"leader, own signature image", syteLeader, ManageOwnSignature, nil, ok},
		check{"user without approve, signature image", syteUser, ManageOwnSignature, nil, forbidden},
		check{"unit admin, signature image", syteAdmin, ManageOwnSignature, nil, forbidden},
		check{"user", syteUser, ManageHolidays, nil, forbidden},
		check{"system admin", sysAdmin, ManageIndicator, &Object{UnitID: xa}, ok},
		check{"so-y-te admin, indicator of so-y-te", syteAdmin, ManageIndicator, &Object{UnitID: syte}, ok},
		check{"so-y-te admin, indicator of xa-22366", syteAdmin, ManageIndicator, &Object{UnitID: xa}, forbidden},
		check{"user", syteUser, ManageIndicator, &Object{UnitID: syte}, forbidden},
		// Regimes: a unit admin designs those its own unit owns.
		check{"system admin", sysAdmin, ViewRegimes, nil, ok},
		check{"unit admin", syteAdmin, ViewRegimes, nil, ok},
		check{"user", syteLeader, ViewRegimes, nil, forbidden},
		check{"system admin, any owner", sysAdmin, ManageRegime, &Object{UnitID: xa}, ok},
		check{"so-y-te admin, owned by so-y-te", syteAdmin, ManageRegime, &Object{UnitID: syte}, ok},
		check{"vp-ubnd admin, owned by tt-phvhcc below it", vpAdmin, ManageRegime, &Object{UnitID: tt}, forbidden},
		check{"so-y-te admin, owned by xa-22366", syteAdmin, ManageRegime, &Object{UnitID: xa}, forbidden},
		check{"so-y-te admin, no object", syteAdmin, ManageRegime, nil, forbidden},
		check{"user with every right", syteLeader, ManageRegime, &Object{UnitID: syte}, forbidden},
		check{"system admin", sysAdmin, ConfirmAssignments, nil, ok},
		check{"unit admin", syteAdmin, ConfirmAssignments, nil, forbidden},
		check{"user", syteUser, ViewOwnReports, nil, ok},
		check{"unit admin", syteAdmin, ViewOwnReports, nil, forbidden},
		// Reports: a so-y-te report sent to vp-ubnd, and a commune's report sent to so-y-te.
		check{"own unit, enter", syteUser, EditReport, &Object{UnitID: syte, ReceiverID: vp}, ok},
		check{"own unit, enter only", syteUser, ApproveReport, &Object{UnitID: syte, ReceiverID: vp}, forbidden},
		check{"own unit, enter only", syteUser, SendReport, &Object{UnitID: syte, ReceiverID: vp}, forbidden},
		check{"own unit, every right", syteLeader, ApproveReport, &Object{UnitID: syte, ReceiverID: vp}, ok},
		check{"own unit, every right", syteLeader, SendReport, &Object{UnitID: syte, ReceiverID: vp}, ok},
		check{"own unit is not its own receiver", syteLeader, ReceiveReport, &Object{UnitID: syte, ReceiverID: vp}, forbidden},
		check{"receiver with consolidate, sent", syteLeader, ReceiveReport, &Object{UnitID: xa, ReceiverID: syte, Sent: true}, ok},
		check{"receiver with consolidate, never sent", syteLeader, ReceiveReport, &Object{UnitID: xa, ReceiverID: syte}, forbidden},
		check{"receiver with enter only", syteUser, ReceiveReport, &Object{UnitID: xa, ReceiverID: syte, Sent: true}, forbidden},
		check{"receiver with consolidate reads a sent report", syteLeader, ViewReport, &Object{UnitID: xa, ReceiverID: syte, Sent: true}, ok},
		check{"receiver does not read a draft never sent", syteLeader, ViewReport, &Object{UnitID: xa, ReceiverID: syte}, forbidden},
		check{"receiver with enter only cannot read", syteUser, ViewReport, &Object{UnitID: xa, ReceiverID: syte}, forbidden},
		check{"receiver cannot edit", syteLeader, EditReport, &Object{UnitID: xa, ReceiverID: syte}, forbidden},
		check{"another unit's report", syteLeader, ViewReport, &Object{UnitID: xa, ReceiverID: vp}, forbidden},
		check{"unit admin reads its subtree", vpAdmin, ViewReport, &Object{UnitID: tt, ReceiverID: vp}, ok},
		check{"unit admin does not read elsewhere", syteAdmin, ViewReport, &Object{UnitID: xa, ReceiverID: vp}, forbidden},
		check{"unit admin never edits", syteAdmin, EditReport, &Object{UnitID: syte, ReceiverID: vp}, forbidden},
		check{"system admin reads all", sysAdmin, ViewReport, &Object{UnitID: xa, ReceiverID: vp}, ok},
		check{"system admin never sends", sysAdmin, SendReport, &Object{UnitID: xa, ReceiverID: vp}, forbidden},
		check{"no object", syteLeader, ViewReport, nil, forbidden},
		check{"consolidate right", syteLeader, ViewReceived, nil, ok},
		check{"enter right only", syteUser, ViewReceived, nil, forbidden},
		check{"unit admin", syteAdmin, ViewReceived, nil, forbidden},
		// Dashboards: both admin tiers and the receivers; the activity of
		// the system: system admins only.
		check{"system admin", sysAdmin, ViewDashboards, nil, ok},
		check{"unit admin", syteAdmin, ViewDashboards, nil, ok},
		check{"consolidate right", syteLeader, ViewDashboards, nil, ok},
		check{"enter right only", syteUser, ViewDashboards, nil, forbidden},
		check{"system admin", sysAdmin, ViewActivity, nil, ok},
		check{"unit admin", syteAdmin, ViewActivity, nil, forbidden},
		check{"province unit admin", tinhAdmin, ViewActivity, nil, forbidden},
		check{"user with every right", syteLeader, ViewActivity, nil, forbidden},
		// One's own account is managed on the "my account" pages.
		check{"system admin, itself", sysAdmin, ManageAccount, self(sysAdmin), forbidden},
		check{"system admin, another system admin", sysAdmin, ManageAccount, self(sysAdmin2), ok},
		check{"so-y-te admin, itself", syteAdmin, ManageAccount, self(syteAdmin), forbidden},
		check{"so-y-te admin, itself as if a user", syteAdmin, ManageAccount, &Object{UnitID: syte, Tier: accounts.User, AccountID: syteAdmin.ID}, forbidden},
		check{"user, itself", syteUser, ManageAccount, self(syteUser), forbidden},
		check{"so-y-te admin, a user of so-y-te", syteAdmin, ManageAccount, self(syteUser), ok},
		check{"so-y-te admin, the leader of so-y-te", syteAdmin, ManageAccount, self(syteLeader), ok},
	)

	covered := map[Action]bool{}
	for _, tt := range tests {
		covered[tt.act] = true
		name := fmt.Sprintf("%s/%s", tt.act, tt.who)
		err := p.Authorize(ctx, tt.a, tt.act, tt.obj)
		switch {
		case tt.want == ok && err != nil:
			t.Errorf("%s: %v, want allowed", name, err)
		case tt.want != ok && apperr.Code(err) != tt.want:
			t.Errorf("%s: %v (code %s), want %s", name, err, apperr.Code(err), tt.want)
		}
	}
	for _, act := range allActions {
		if !covered[act] {
			t.Errorf("action %s not covered", act)
		}
	}
}

func TestAuthorizeMessages(t *testing.T) {
	t.Parallel()
	p := &Policy{Tree: treeFunc(func(int64, int64) (bool, error) { return false, nil })}
	ctx := context.Background()
	err := p.Authorize(ctx, nil, ViewAudit, nil)
	if apperr.Code(err) != apperr.Unauthorized || apperr.Message(err) != "Vui lòng đăng nhập để tiếp tục." {
		t.Errorf("anonymous: %v", err)
	}
	err = p.Authorize(ctx, &accounts.Account{ID: 1, Tier: accounts.User}, ViewAudit, nil)
	if apperr.Code(err) != apperr.Forbidden || apperr.Message(err) != "Bạn không có quyền thực hiện thao tác này." {
		t.Errorf("user: %v", err)
	}
	if err := p.Authorize(ctx, &accounts.Account{ID: 1, Tier: "unknown"}, ManageAccount, &Object{Tier: accounts.User}); apperr.Code(err) != apperr.Forbidden {
		t.Errorf("unknown tier: %v, want Forbidden", err)
	}
	if err := p.Authorize(ctx, nil, Action("made-up"), nil); apperr.Code(err) != apperr.Unauthorized {
		t.Errorf("anonymous, unknown action: %v", err)
	}
	if err := p.Authorize(ctx, &accounts.Account{ID: 1, Tier: accounts.SystemAdmin}, Action("made-up"), nil); apperr.Code(err) != apperr.Forbidden {
		t.Errorf("system admin, unknown action: %v, want Forbidden", err)
	}
}

type treeFunc func(ancestor, unit int64) (bool, error)

func (f treeFunc) IsWithin(_ context.Context, ancestor, unit int64) (bool, error) {
	return f(ancestor, unit)
}

func TestAuthorizeTreeError(t *testing.T) {
	t.Parallel()
	boom := errors.New("database down")
	p := &Policy{Tree: treeFunc(func(int64, int64) (bool, error) { return false, boom })}
	admin := &accounts.Account{ID: 1, Tier: accounts.UnitAdmin, UnitID: 5}
	err := p.Authorize(context.Background(), admin, ManageAccount, &Object{UnitID: 6, Tier: accounts.User, AccountID: 2})
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the tree's error passed on", err)
	}
	// The tree is not asked when the tier already decides.
	p.Tree = treeFunc(func(int64, int64) (bool, error) { t.Error("IsWithin called"); return true, nil })
	if err := p.Authorize(context.Background(), admin, ManageAccount, &Object{UnitID: 6, Tier: accounts.UnitAdmin, AccountID: 2}); apperr.Code(err) != apperr.Forbidden {
		t.Errorf("unit admin on a unit admin: %v", err)
	}
}

func TestScope(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		a    accounts.Account
		want int64
	}{
		{accounts.Account{Tier: accounts.SystemAdmin, UnitID: 9}, 0},
		{accounts.Account{Tier: accounts.UnitAdmin, UnitID: 9}, 9},
		{accounts.Account{Tier: accounts.User, UnitID: 7}, 7},
	} {
		if got := Scope(&tt.a); got != tt.want {
			t.Errorf("Scope(%s of unit %d) = %d, want %d", tt.a.Tier, tt.a.UnitID, got, tt.want)
		}
	}
}

func TestDashboardScope(t *testing.T) {
	t.Parallel()
	receiver := accounts.Account{Tier: accounts.User, UnitID: 7, Rights: []accounts.Right{accounts.Consolidate}}
	for _, tt := range []struct {
		a                 accounts.Account
		kind              string
		receiver, subtree int64
	}{
		{accounts.Account{Tier: accounts.SystemAdmin, UnitID: 9}, "so", 0, 0},
		{accounts.Account{Tier: accounts.UnitAdmin, UnitID: 9}, "so", 0, 9},
		{accounts.Account{Tier: accounts.UnitAdmin, UnitID: 9}, ProvincialOffice, 0, 9},
		{receiver, "so", 7, 0},
		{receiver, ProvincialOffice, 0, 0}, // the provincial office follows the whole province
	} {
		if r, s := DashboardScope(&tt.a, tt.kind); r != tt.receiver || s != tt.subtree {
			t.Errorf("DashboardScope(%s of a unit %s) = %d, %d; want %d, %d", tt.a.Tier, tt.kind, r, s, tt.receiver, tt.subtree)
		}
	}
}

// A new commune's admin reads the reports of its old communes (read-only,
// the web layer audits it), not those of a neighbour's old communes, nor
// of the old district.
func TestUnitAdminReadsItsPredecessorsReports(t *testing.T) {
	t.Parallel()
	p, unit := newPolicy(t)
	ctx := context.Background()
	admin := &accounts.Account{ID: 1, Tier: accounts.UnitAdmin, UnitID: unit("xa-22366")} // phường Nha Trang
	for _, c := range []struct {
		key  string
		want bool
	}{
		{"xa-cu-22366", true},     // phường Tân Tiến, now in phường Nha Trang
		{"xa-cu-22348", true},     // phường Vạn Thạnh, likewise
		{"xa-cu-22327", false},    // phường Vĩnh Hòa, now in phường Bắc Nha Trang: a neighbour's
		{"ubnd-nha-trang", false}, // the old city's committee
		{"xa-22333", false},       // phường Bắc Nha Trang itself
	} {
		obj := &Object{UnitID: unit(c.key), ReceiverID: unit("so-y-te"), Sent: true}
		err := p.Authorize(ctx, admin, ViewReport, obj)
		if got := err == nil; got != c.want {
			t.Errorf("admin of phường Nha Trang reads a report of %s: %v, want %v", c.key, err, c.want)
		}
		if err := p.Authorize(ctx, admin, EditReport, obj); err == nil {
			t.Errorf("admin of phường Nha Trang may edit a report of %s", c.key)
		}
	}
}
