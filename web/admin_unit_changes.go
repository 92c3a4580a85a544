package web

// Dated changes of a unit (issue 17): rename, move, merge several into
// one, split one into several with shares, and the shares of a seeded
// split, each from its effective date, on the unit's page.

import (
	"net/http"
	"strconv"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/decimal"
	"baocao/internal/units"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// splitRows is how many successors the split form offers.
const splitRows = 4

// unitChanges fills the history and the change forms of u's page, with
// what was posted (if anything) kept in the fields.
func (s *Server) unitChanges(r *http.Request, u *units.Unit, open []components.Option) (pages.UnitChanges, error) {
	c := pages.UnitChanges{Values: map[string]string{}}
	var err error
	if c.History, err = s.units.History(r.Context(), u.ID); err != nil {
		return c, err
	}
	if r.Method == http.MethodPost {
		for k, vals := range r.PostForm {
			if len(vals) > 0 && k != "csrf_token" {
				c.Values[k] = vals[0]
			}
		}
	}
	for _, l := range c.History.Successors {
		name := "share_" + strconv.FormatInt(l.ID, 10)
		if _, posted := c.Values[name]; !posted && l.ShareKnown && !l.Work {
			c.Values[name] = l.Share.Format()
		}
	}
	self := strconv.FormatInt(u.ID, 10)
	merged := map[string]bool{}
	for _, id := range r.PostForm["merge_olds"] {
		merged[id] = true
	}
	c.Parents = append(c.Parents, components.Option{Value: "", Label: "Chọn đơn vị cấp trên"})
	for _, o := range open {
		if o.Value == self {
			continue
		}
		p := o
		p.Selected = c.Values["move_parent_id"] == o.Value
		c.Parents = append(c.Parents, p)
		m := o
		m.Selected = merged[o.Value]
		c.Others = append(c.Others, m)
	}
	for i := 1; i <= splitRows; i++ {
		name := "split_unit_" + strconv.Itoa(i)
		list := []components.Option{{Value: "", Label: "Chọn đơn vị"}}
		for _, o := range c.Parents[1:] {
			o.Selected = c.Values[name] == o.Value
			list = append(list, o)
		}
		c.SplitTo = append(c.SplitTo, list)
	}
	return c, nil
}

// changeDone redirects to the unit's page, or shows it again with the
// messages of a refused change under the form's field names (prefix).
func (s *Server) changeDone(w http.ResponseWriter, r *http.Request, u *units.Unit, prefix string, err error, done string) {
	if err == nil {
		s.redirect(w, r, "/admin/units/"+strconv.FormatInt(u.ID, 10), done)
		return
	}
	fields := apperr.FieldErrors(err)
	if fields == nil && (apperr.Code(err) == apperr.Conflict || apperr.Code(err) == apperr.Invalid) {
		fields = map[string]string{"day": apperr.Message(err)}
	}
	if fields == nil {
		s.fail(w, r, err)
		return
	}
	errs := map[string]string{}
	for k, msg := range fields {
		switch {
		case prefix == "":
			errs[k] = msg
		case k == "shares" || k == "olds":
			errs[prefix+k] = msg
		case k == "successors":
			errs[prefix+"shares"] = msg
		default:
			errs[prefix+k] = msg
		}
	}
	v, verr := s.unitView(r, u, "", nil, errs)
	if verr != nil {
		s.fail(w, r, verr)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, pages.Unit(s.page(r, u.Name, "units", crumbHome, crumbUnits), v))
}

func (s *Server) unitRename(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	day, _ := vn.ParseDate(r.PostFormValue("rename_day"))
	err := s.units.Rename(r.Context(), u.ID, r.PostFormValue("rename_name"), day)
	s.changeDone(w, r, u, "rename_", err, "Đã đổi tên đơn vị.")
}

func (s *Server) unitMoveOn(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	day, _ := vn.ParseDate(r.PostFormValue("move_day"))
	parent, _ := strconv.ParseInt(r.PostFormValue("move_parent_id"), 10, 64)
	err := s.units.MoveOn(r.Context(), u.ID, parent, day)
	s.changeDone(w, r, u, "move_", err, "Đã chuyển đơn vị.")
}

func (s *Server) unitMerge(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	day, _ := vn.ParseDate(r.PostFormValue("merge_day"))
	var olds []int64
	for _, raw := range r.PostForm["merge_olds"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			s.changeDone(w, r, u, "merge_", apperr.InvalidFields(map[string]string{"olds": "Đơn vị sáp nhập không hợp lệ."}), "")
			return
		}
		olds = append(olds, id)
	}
	err := s.units.Merge(r.Context(), u.ID, olds, day, r.PostFormValue("merge_basis"))
	s.changeDone(w, r, u, "merge_", err, "Đã sáp nhập vào "+u.Name+".")
}

func (s *Server) unitSplit(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	day, _ := vn.ParseDate(r.PostFormValue("split_day"))
	var shares []units.Share
	for i := 1; i <= splitRows; i++ {
		n := strconv.Itoa(i)
		raw, pct := r.PostFormValue("split_unit_"+n), strings.TrimSpace(r.PostFormValue("split_share_"+n))
		if raw == "" && pct == "" {
			continue
		}
		sh, err := parseShare(raw, pct, "Đơn vị nhận "+n)
		if err != nil {
			s.changeDone(w, r, u, "split_", err, "")
			return
		}
		shares = append(shares, sh)
	}
	err := s.units.Split(r.Context(), u.ID, day, shares, r.PostFormValue("split_basis"))
	s.changeDone(w, r, u, "split_", err, "Đã chia tách "+u.Name+".")
}

func (s *Server) unitShares(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	h, err := s.units.History(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var shares []units.Share
	for _, l := range h.Successors {
		if l.Work {
			continue
		}
		sh, err := parseShare(strconv.FormatInt(l.ID, 10), strings.TrimSpace(r.PostFormValue("share_"+strconv.FormatInt(l.ID, 10))), l.Name)
		if err != nil {
			s.changeDone(w, r, u, "", err, "")
			return
		}
		shares = append(shares, sh)
	}
	err = s.units.SetShares(r.Context(), u.ID, shares)
	s.changeDone(w, r, u, "", err, "Đã lưu tỷ lệ chia tách của "+u.Name+".")
}

// parseShare reads a successor and its percentage as typed.
func parseShare(unit, pct, label string) (units.Share, error) {
	id, err := strconv.ParseInt(unit, 10, 64)
	if err != nil || id <= 0 {
		return units.Share{}, apperr.InvalidFields(map[string]string{"shares": label + ": chọn đơn vị nhận."})
	}
	if pct == "" {
		return units.Share{}, apperr.InvalidFields(map[string]string{"shares": label + ": nhập tỷ lệ (%)."})
	}
	x, err := decimal.Parse(pct)
	if err != nil {
		return units.Share{}, apperr.InvalidFields(map[string]string{"shares": label + ": " + err.Error()})
	}
	return units.Share{UnitID: id, Percent: x}, nil
}
