package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/assignments"
	"baocao/internal/policy"
	"baocao/internal/regimes"
	"baocao/internal/vn"
	"baocao/templates/pages"
)

func assignmentsURL(reg *regimes.Regime) string { return regimePath(reg.ID) + "/assignments" }

func (s *Server) assignmentsView(r *http.Request, reg *regimes.Regime, form pages.AssignForm) (pages.AssignmentsView, error) {
	v := pages.AssignmentsView{Regime: reg, Form: form}
	var err error
	if v.Assignments, err = s.assignments.OfRegime(r.Context(), reg.ID); err != nil {
		return v, err
	}
	root, _ := strconv.ParseInt(form.Root, 10, 64)
	receiver, _ := strconv.ParseInt(form.Receiver, 10, 64)
	if v.Roots, err = s.unitOptions(r, 0, root, "Chọn đơn vị"); err != nil {
		return v, err
	}
	if v.Receivers, err = s.unitOptions(r, 0, receiver, ""); err != nil {
		return v, err
	}
	v.Kinds, err = s.kindOptions(r, form.Kind, "Mọi loại đơn vị")
	return v, err
}

func (s *Server) assignmentsPage(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	form := pages.AssignForm{Receiver: strconv.FormatInt(reg.ReceivingUnitID, 10), Level: "1", ValidFrom: vn.Date(s.now())}
	v, err := s.assignmentsView(r, reg, form)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.Assignments(s.designerPage(r, reg, "Giao báo cáo"), v))
}

func (s *Server) assign(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	reg := targetRegime(r)
	form := pages.AssignForm{Root: r.PostFormValue("root"), Kind: r.PostFormValue("kind"), Receiver: r.PostFormValue("receiver"),
		Level: r.PostFormValue("level"), ValidFrom: r.PostFormValue("valid_from")}
	req := assignments.Request{RegimeID: reg.ID, Kind: form.Kind, By: a.ID, Scope: policy.Scope(a)}
	req.Root, _ = strconv.ParseInt(form.Root, 10, 64)
	req.ReceiverUnitID, _ = strconv.ParseInt(form.Receiver, 10, 64)
	req.Level, _ = strconv.Atoi(form.Level)
	req.ValidFrom, _ = vn.ParseDate(form.ValidFrom)
	res, err := s.assignments.Assign(r.Context(), req)
	if fields := apperr.FieldErrors(err); fields != nil {
		v, verr := s.assignmentsView(r, reg, form)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Errors = fields
		s.render(w, r, http.StatusUnprocessableEntity, pages.Assignments(s.designerPage(r, reg, "Giao báo cáo"), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.reports.OpenDue(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	msg := "Đã giao báo cáo cho " + vn.Int(int64(res.Created)) + " đơn vị."
	if res.Pending > 0 {
		msg += " " + vn.Int(int64(res.Pending)) + " đơn vị ngoài phạm vi quản lý đang chờ quản trị hệ thống xác nhận."
	}
	if res.Skipped > 0 {
		msg += " " + vn.Int(int64(res.Skipped)) + " đơn vị đã được giao từ trước."
	}
	s.redirect(w, r, assignmentsURL(reg), msg)
}

// assignmentOf loads {assignmentID}, which must belong to reg when given.
func (s *Server) assignmentOf(w http.ResponseWriter, r *http.Request, reg *regimes.Regime) (*assignments.Assignment, bool) {
	as, err := loadByID(chi.URLParam(r, "assignmentID"), func(id int64) (*assignments.Assignment, error) {
		return s.assignments.Assignment(r.Context(), id)
	})
	if err == nil && reg != nil && as.RegimeID != reg.ID {
		err = apperr.New(apperr.NotFound, "Không tìm thấy việc giao báo cáo.")
	}
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return as, true
}

func (s *Server) assignmentEnd(w http.ResponseWriter, r *http.Request) {
	reg := targetRegime(r)
	as, ok := s.assignmentOf(w, r, reg)
	if !ok {
		return
	}
	lastDay, valid := vn.ParseDate(r.PostFormValue("valid_to"))
	if !valid {
		s.fail(w, r, apperr.New(apperr.Invalid, "Nhập ngày kết thúc theo dạng ngày/tháng/năm."))
		return
	}
	if err := s.assignments.End(r.Context(), as, lastDay); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, assignmentsURL(reg), "Đã kết thúc việc giao báo cáo cho "+as.Unit+" từ sau ngày "+vn.Date(lastDay)+".")
}

func (s *Server) pendingAssignmentsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.assignments.Pending(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.PendingAssignments(s.page(r, "Giao báo cáo chờ xác nhận", "regimes", crumbHome, crumbRegimes),
		pages.PendingAssignmentsView{Assignments: list}))
}

func (s *Server) assignmentConfirm(w http.ResponseWriter, r *http.Request) {
	as, ok := s.assignmentOf(w, r, nil)
	if !ok {
		return
	}
	if err := s.assignments.Confirm(r.Context(), as, currentAccount(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := s.reports.OpenDue(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/assignments", "Đã xác nhận giao báo cáo cho "+as.Unit+".")
}

func (s *Server) assignmentReject(w http.ResponseWriter, r *http.Request) {
	as, ok := s.assignmentOf(w, r, nil)
	if !ok {
		return
	}
	if err := s.assignments.Reject(r.Context(), as); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/assignments", "Đã từ chối giao báo cáo cho "+as.Unit+".")
}
