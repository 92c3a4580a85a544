package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"baocao/internal/dashboard"
	"baocao/internal/policy"
	"baocao/internal/units"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/web/response"
)

// The unit search picker (issue 15): the audit log, the accounts and the
// dashboards find a unit by typing its name, instead of listing every unit.

// unitChoice is a unit a picker may offer.
type unitChoice struct {
	ID   int64
	Name string
}

// matchUnits are the choices whose name contains q, at most limit.
func matchUnits(choices []unitChoice, q string, limit int) []unitChoice {
	var out []unitChoice
	for _, c := range choices {
		if vn.Contains(c.Name, q) {
			if out = append(out, c); len(out) == limit {
				break
			}
		}
	}
	return out
}

// pickUnit reads the picker named field of query q among choices (the units
// the official may see): its unit's id (0 for none) and its view. A link
// carries the id alone; a submitted form also carries the typed text, which
// wins when it is not the chosen unit's name (the official typed without
// JavaScript): one matching unit is chosen, several are offered, none is
// an error, and nothing is filtered meanwhile. An id not among the choices
// (a closed unit's link) is kept as it is; the page's own checks apply.
func pickUnit(q url.Values, p components.UnitPick, choices []unitChoice) (int64, components.UnitPick) {
	id, _ := strconv.ParseInt(q.Get(p.Name), 10, 64)
	name := ""
	for _, c := range choices {
		if c.ID == id {
			name = c.Name
		}
	}
	text, typed := q[p.QueryName()]
	query := ""
	if typed {
		query = strings.TrimSpace(text[0])
	}
	switch {
	case !typed || query == name:
	case query == "":
		id, name = 0, ""
	default:
		id, name = 0, ""
		switch m := matchUnits(choices, query, components.UnitMatchLimit+1); len(m) {
		case 0:
			p.Error = "Không tìm thấy đơn vị nào có tên chứa “" + query + "”. Hãy gõ lại tên đơn vị."
		case 1:
			id, name = m[0].ID, m[0].Name
		default:
			p.Error = "Có nhiều đơn vị có tên chứa “" + query + "”: hãy chọn một đơn vị dưới đây."
			if len(m) > components.UnitMatchLimit {
				p.Error = "Có hơn " + strconv.Itoa(components.UnitMatchLimit) + " đơn vị có tên chứa “" + query + "”: hãy chọn một, hoặc gõ thêm chữ rồi nhấn Lọc."
				m = m[:components.UnitMatchLimit]
			}
			for _, c := range m {
				p.Matches = append(p.Matches, components.Option{Value: strconv.FormatInt(c.ID, 10), Label: c.Name})
			}
		}
		if id == 0 {
			p.Query = query
			return 0, p
		}
	}
	p.Query = name
	if id != 0 {
		p.ID = strconv.FormatInt(id, 10)
	}
	return id, p
}

// adminUnitChoices are the units of an admin's scope (all for a system admin).
func (s *Server) adminUnitChoices(r *http.Request) ([]unitChoice, error) {
	list, err := s.units.Tree(r.Context(), units.Filter{Within: policy.Scope(currentAccount(r))})
	if err != nil {
		return nil, err
	}
	out := make([]unitChoice, 0, len(list))
	for _, u := range list {
		out = append(out, unitChoice{u.ID, u.Name})
	}
	return out, nil
}

func dashboardUnitChoices(list []dashboard.Choice) []unitChoice {
	out := make([]unitChoice, 0, len(list))
	for _, c := range list {
		out = append(out, unitChoice{c.ID, c.Name})
	}
	return out
}

// unitSearchAnswer is what a picker's search answers: the matching units.
type unitSearchAnswer struct {
	Units []unitSearchItem `json:"units"`
}

type unitSearchItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

func answerUnitSearch(w http.ResponseWriter, r *http.Request, choices []unitChoice) {
	ans := unitSearchAnswer{Units: []unitSearchItem{}}
	if q := strings.TrimSpace(r.URL.Query().Get("q")); q != "" {
		for _, c := range matchUnits(choices, q, components.UnitMatchLimit) {
			ans.Units = append(ans.Units, unitSearchItem{strconv.FormatInt(c.ID, 10), c.Name})
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, http.StatusOK, ans)
}

// adminUnitSearch answers the pickers of the admins' pages (audit log,
// accounts): the units of the admin's scope whose name contains ?q=.
func (s *Server) adminUnitSearch(w http.ResponseWriter, r *http.Request) {
	choices, err := s.adminUnitChoices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answerUnitSearch(w, r, choices)
}

// dashboardUnitSearch answers the dashboards' picker: the units of the
// viewer's dashboard scope whose name contains ?q=.
func (s *Server) dashboardUnitSearch(w http.ResponseWriter, r *http.Request) {
	sc, err := s.dashboardScope(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := dashboard.Units(r.Context(), s.read(r), sc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answerUnitSearch(w, r, dashboardUnitChoices(list))
}
