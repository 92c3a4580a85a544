package consolidation

import (
	"testing"
	"time"
)

func TestSelect(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2026, 3, 16, h, 0, 0, 0, time.UTC) }
	board := []UnitStatus{
		{Unit: "Ủy ban nhân dân xã Đại Lãnh", State: Accepted, SentAt: at(9)},
		{Unit: "Ủy ban nhân dân phường Nha Trang", State: Overdue},
		{Unit: "Ủy ban nhân dân xã Cam Lâm", State: Sent, SentAt: at(11)},
		{Unit: "Ủy ban nhân dân phường Bắc Cam Ranh", State: Accepted, SentAt: at(8)},
	}
	names := func(list []UnitStatus) (out []string) {
		for _, u := range list {
			out = append(out, u.Unit[len("Ủy ban nhân dân "):])
		}
		return out
	}
	for _, c := range []struct {
		q     BoardQuery
		want  []string
		total int
	}{
		{BoardQuery{}, []string{"phường Bắc Cam Ranh", "phường Nha Trang", "xã Cam Lâm", "xã Đại Lãnh"}, 4},
		{BoardQuery{State: Accepted}, []string{"phường Bắc Cam Ranh", "xã Đại Lãnh"}, 2},
		{BoardQuery{Name: "cam"}, []string{"phường Bắc Cam Ranh", "xã Cam Lâm"}, 2},
		{BoardQuery{Sort: "sent"}, []string{"xã Cam Lâm", "xã Đại Lãnh", "phường Bắc Cam Ranh", "phường Nha Trang"}, 4},
		{BoardQuery{Sort: "sent-first"}, []string{"phường Bắc Cam Ranh", "xã Đại Lãnh", "xã Cam Lâm", "phường Nha Trang"}, 4},
		{BoardQuery{Sort: "state"}, []string{"phường Nha Trang", "xã Cam Lâm", "phường Bắc Cam Ranh", "xã Đại Lãnh"}, 4},
		{BoardQuery{PerPage: 3, Page: 2}, []string{"xã Đại Lãnh"}, 4},
		{BoardQuery{PerPage: 3, Page: 9}, nil, 4},
	} {
		got, total := Select(board, c.q)
		if total != c.total || len(got) != len(c.want) {
			t.Errorf("%+v: %v (%d), want %v (%d)", c.q, names(got), total, c.want, c.total)
			continue
		}
		for i := range got {
			if names(got)[i] != c.want[i] {
				t.Errorf("%+v: %v, want %v", c.q, names(got), c.want)
				break
			}
		}
	}
}
