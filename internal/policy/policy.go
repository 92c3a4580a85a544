// Package policy is the one place that answers "may this account do this
// to this object" (SPEC §2). Every route names an Action; handlers that act
// on an object read from the URL or a form pass the object's unit here.
package policy

import (
	"context"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
)

// Action is something an account may be allowed to do.
type Action string

const (
	Public        Action = "public"         // anyone, signed in or not
	SignedIn      Action = "signed_in"      // any signed-in account, on itself
	ManageUnits   Action = "manage_units"   // the unit tree
	ViewAccounts  Action = "view_accounts"  // account listings, scoped by Scope
	CreateAccount Action = "create_account" // object: the new account's unit and tier
	ManageAccount Action = "manage_account" // object: the account
	ViewAudit     Action = "view_audit"     // audit log, scoped by Scope
	ViewUsage     Action = "view_usage"     // the usage report (QĐ 2838 Điều 12.1), scoped by Scope
	// ViewPredecessorReports: the list of the old units' reports that an
	// admin's subtree holds now (issue 17); each report is then opened by
	// ViewReport, audited.
	ViewPredecessorReports Action = "view_predecessor_reports"

	ViewCatalog      Action = "view_catalog"       // the indicator catalogue and the holiday calendar
	ManageIndicator  Action = "manage_indicator"   // object: the indicator's responsible unit (none for a new one)
	ManageHolidays   Action = "manage_holidays"    // the holiday calendar
	ManageOutages    Action = "manage_outages"     // recorded outages of the system (QĐ 2838 Điều 7.4)
	ManageTrust      Action = "manage_trust"       // the certification authorities signatures must chain to
	ManageAPIClients Action = "manage_api_clients" // the JSON API's clients and their tokens
	ManageSeal       Action = "manage_seal"        // object: the unit whose organisation certificate (seal) it is
	// ManageOwnSignature: a leader's own handwritten signature image (ND 30).
	ManageOwnSignature Action = "manage_own_signature"

	ViewRegimes        Action = "view_regimes"        // regime listings, scoped by Scope
	ManageRegime       Action = "manage_regime"       // object: the regime's owner unit
	ConfirmAssignments Action = "confirm_assignments" // assignments outside the assigner's subtree
	ViewOwnReports     Action = "view_own_reports"    // the reports of one's own unit

	// Report actions; the object is the report: its unit and its receiver.
	ViewReport    Action = "view_report"    // read it and its history
	EditReport    Action = "edit_report"    // type in it, submit it for approval
	ApproveReport Action = "approve_report" // approve or return it inside the unit
	SendReport    Action = "send_report"    // send it once signed
	ReceiveReport Action = "receive_report" // accept or return it, as the receiver
	ViewReceived  Action = "view_received"  // the reports sent to one's own unit, and their consolidation

	ViewDashboards Action = "view_dashboards" // the overviews (Tổng quan), limited by DashboardScope
	ViewActivity   Action = "view_activity"   // the system's activity: sign-ins, reports sent, accounts
)

// Object is what an action is done to: the unit it belongs to and, for an
// account, its tier.
type Object struct {
	UnitID     int64
	Tier       accounts.Tier
	AccountID  int64 // the account itself, for ManageAccount
	ReceiverID int64 // the receiving unit, for a report
	Sent       bool  // the report has been sent at least once: the receiver may read it
}

// Tree answers whether a unit lies in another's subtree.
type Tree interface {
	IsWithin(ctx context.Context, ancestor, unit int64) (bool, error)
}

// heirs answers whether a unit is a predecessor of another's subtree
// (units.Store); a Tree without it knows no history.
type heirs interface {
	Inherits(ctx context.Context, root, unit int64) (bool, error)
}

// Policy decides.
type Policy struct {
	Tree Tree
}

var (
	errSignIn    = apperr.New(apperr.Unauthorized, "Vui lòng đăng nhập để tiếp tục.")
	errForbidden = apperr.New(apperr.Forbidden, "Bạn không có quyền thực hiện thao tác này.")
)

// Authorize returns nil when a (nil when not signed in) may do act to obj
// (nil for actions without an object), else an Unauthorized or Forbidden error.
func (p *Policy) Authorize(ctx context.Context, a *accounts.Account, act Action, obj *Object) error {
	if act == Public {
		return nil
	}
	if a == nil {
		return errSignIn
	}
	allowed, err := p.allowed(ctx, a, act, obj)
	if err != nil {
		return err
	}
	if !allowed {
		return errForbidden
	}
	return nil
}

func (p *Policy) allowed(ctx context.Context, a *accounts.Account, act Action, obj *Object) (bool, error) {
	switch act {
	case SignedIn:
		return true, nil
	case ManageUnits, ManageHolidays, ManageOutages, ConfirmAssignments, ManageTrust, ManageAPIClients, ViewActivity:
		return a.Tier == accounts.SystemAdmin, nil
	case ViewCatalog:
		return true, nil
	case ManageIndicator:
		// System admins keep the catalogue; a unit admin the indicators its
		// subtree is responsible for. Without an object (the route, or a new
		// indicator before its responsible unit is chosen) a unit admin may
		// go on; an indicator no unit is responsible for is the system admins'.
		switch {
		case a.Tier == accounts.SystemAdmin:
			return true, nil
		case a.Tier != accounts.UnitAdmin:
			return false, nil
		case obj == nil:
			return true, nil
		case obj.UnitID == 0:
			return false, nil
		}
		return p.Tree.IsWithin(ctx, a.UnitID, obj.UnitID)
	case ManageSeal:
		// Like the unit's accounts: its admin, or a unit admin above it.
		switch {
		case a.Tier == accounts.SystemAdmin:
			return true, nil
		case a.Tier != accounts.UnitAdmin || obj == nil:
			return false, nil
		}
		return p.Tree.IsWithin(ctx, a.UnitID, obj.UnitID)
	case ManageOwnSignature:
		return a.Tier == accounts.User && a.Has(accounts.Approve), nil
	case ViewAccounts, ViewAudit, ViewRegimes, ViewUsage, ViewPredecessorReports:
		return a.IsAdmin(), nil
	case ViewOwnReports:
		return a.Tier == accounts.User, nil
	case ViewReceived:
		return a.Tier == accounts.User && (a.Has(accounts.Consolidate) || a.Has(accounts.Approve)), nil
	case ViewDashboards:
		return a.IsAdmin() || (a.Has(accounts.Consolidate) || a.Has(accounts.Approve)), nil
	case ManageRegime:
		// A unit admin designs and assigns the regimes its own unit owns.
		switch {
		case a.Tier == accounts.SystemAdmin:
			return true, nil
		case a.Tier != accounts.UnitAdmin || obj == nil:
			return false, nil
		}
		return obj.UnitID == 0 || obj.UnitID == a.UnitID, nil
	case ViewReport, EditReport, ApproveReport, SendReport, ReceiveReport:
		return p.report(ctx, a, act, obj)
	case CreateAccount, ManageAccount:
		if obj == nil || (act == ManageAccount && obj.AccountID == a.ID) {
			// One's own account is managed on the "my account" pages, so
			// an admin cannot lock or demote itself by accident.
			return false, nil
		}
		switch a.Tier {
		case accounts.SystemAdmin:
			return true, nil
		case accounts.UnitAdmin:
			// A unit admin manages the users of its own subtree; unit
			// admins are managed by the system admins.
			if obj.Tier != accounts.User {
				return false, nil
			}
			return p.Tree.IsWithin(ctx, a.UnitID, obj.UnitID)
		}
	}
	return false, nil
}

// report decides the report actions (SPEC §2): a user works on its own
// unit's reports by right; the receiving unit's consolidate and approve
// rights read, accept and return them once sent; admins read the reports of their
// subtree (system admins all, audited by the caller).
func (p *Policy) report(ctx context.Context, a *accounts.Account, act Action, obj *Object) (bool, error) {
	if obj == nil {
		return false, nil
	}
	own := a.Tier == accounts.User && a.UnitID == obj.UnitID
	receiver := a.Tier == accounts.User && a.UnitID == obj.ReceiverID && (a.Has(accounts.Consolidate) || a.Has(accounts.Approve))
	switch act {
	case ViewReport:
		switch {
		case own, receiver && obj.Sent, a.Tier == accounts.SystemAdmin:
			return true, nil
		case a.Tier == accounts.UnitAdmin:
			if ok, err := p.Tree.IsWithin(ctx, a.UnitID, obj.UnitID); ok || err != nil {
				return ok, err
			}
			// Scopes follow time: the old units whose territory the
			// subtree holds now, read-only (issue 17).
			if h, ok := p.Tree.(heirs); ok {
				return h.Inherits(ctx, a.UnitID, obj.UnitID)
			}
		}
		return false, nil
	case EditReport:
		return own && (a.Has(accounts.Enter) || a.Has(accounts.Consolidate)), nil
	case ApproveReport:
		return own && a.Has(accounts.Approve), nil
	case SendReport:
		return own && a.Has(accounts.Send), nil
	case ReceiveReport:
		// Accepting, returning and retrying the delivery only ever apply to
		// a report that reached the receiver; the workflow checks the exact
		// status, the policy already refuses a draft never sent.
		return receiver && obj.Sent, nil
	}
	return false, nil
}

// Scope returns the unit whose subtree a listing is limited to for a
// (0: everything, for system admins).
func Scope(a *accounts.Account) int64 {
	if a.Tier == accounts.SystemAdmin {
		return 0
	}
	return a.UnitID
}

// ProvincialOffice is the kind of the provincial People's Committee's
// office (Văn phòng UBND tỉnh), which follows the whole province's
// reporting for its leaders.
const ProvincialOffice = "van-phong"

// DashboardScope returns what the dashboards show a, whose unit is of
// kind unitKind: the whole province to system admins and to the
// receivers of the provincial office; a unit admin the reports of its
// subtree; another receiver (consolidate or approve right) the reports
// sent to its unit.
func DashboardScope(a *accounts.Account, unitKind string) (receiver, subtree int64) {
	switch {
	case a.Tier == accounts.SystemAdmin:
		return 0, 0
	case a.Tier == accounts.UnitAdmin:
		return 0, a.UnitID
	case unitKind == ProvincialOffice:
		return 0, 0
	}
	return a.UnitID, 0
}
