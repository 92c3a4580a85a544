// Package components holds the small templ pieces every page uses:
// fields, the error summary, paging, tags.
package components

import (
	"net/url"
	"strconv"

	"baocao/internal/forms"
)

// FieldError is one problem of a submitted form, linked from the summary.
type FieldError struct {
	Field   string // the input's id
	Message string
}

// Errors orders the messages of m by the fields' order on the page.
func Errors(m map[string]string, order ...string) []FieldError {
	var out []FieldError
	seen := map[string]bool{}
	for _, f := range order {
		if msg, ok := m[f]; ok {
			out = append(out, FieldError{f, msg})
			seen[f] = true
		}
	}
	for f, msg := range m {
		if !seen[f] {
			out = append(out, FieldError{f, msg})
		}
	}
	return out
}

// Field describes a text input with its label, hint and error.
type Field struct {
	Name         string
	Label        string
	Hint         string
	Value        string
	Error        string
	Type         string // text by default
	Autocomplete string
	Class        string // extra input class, e.g. "input--short"
	Required     bool
	Autofocus    bool
	InputMode    string
}

// Option is a choice of a select or a group of checkboxes.
type Option struct {
	Value    string
	Label    string
	Selected bool
}

// ChoiceOptions offers the coded settings choices, selected marked.
func ChoiceOptions(choices []forms.Choice, selected string) []Option {
	opts := make([]Option, 0, len(choices))
	for _, c := range choices {
		opts = append(opts, Option{Value: c.Code, Label: c.Name, Selected: c.Code == selected})
	}
	return opts
}

// Pager describes paging over a listing.
type Pager struct {
	Page, PerPage, Total int
	Path                 string
	Query                url.Values // the listing's filters
}

// Pages is the number of pages.
func (p Pager) Pages() int {
	if p.PerPage <= 0 {
		return 1
	}
	return max(1, (p.Total+p.PerPage-1)/p.PerPage)
}

// URL is the address of page n with the same filters.
func (p Pager) URL(n int) string {
	q := url.Values{}
	for k, v := range p.Query {
		q[k] = v
	}
	q.Set("page", strconv.Itoa(n))
	return p.Path + "?" + q.Encode()
}

// Window lists the page numbers shown around the current page.
func (p Pager) Window() []int {
	var out []int
	for n := max(1, p.Page-3); n <= min(p.Pages(), p.Page+3); n++ {
		out = append(out, n)
	}
	return out
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func describedBy(f Field) string {
	ids := ""
	if f.Hint != "" {
		ids = f.Name + "-hint"
	}
	if f.Error != "" {
		if ids != "" {
			ids += " "
		}
		ids += f.Name + "-error"
	}
	return ids
}
