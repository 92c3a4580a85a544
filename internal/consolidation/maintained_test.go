package consolidation_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"baocao/internal/consolidation"
	"baocao/internal/forms"
	"baocao/internal/formula"
)

// TestMaintainedEqualsRecomputation drives random sequences of sending,
// accepting, returning (before and after acceptance), supplementary
// versions (accepted → draft, figures changed, sent and accepted again),
// corrections of a counted report's figures and bulk moves of several
// reports in one statement, and after every step checks that the
// maintained aggregates equal a full recomputation (consolidation.Check)
// and that Compute reads, for accepted and for accepted and sent reports,
// exactly what the engine over the reports' values gives
// (consolidation.Cells). Figures are few and small, so minima and maxima
// are often tied and often removed.
func TestMaintainedEqualsRecomputation(t *testing.T) {
	t.Parallel()
	for seed := range uint64(3) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			propertyRun(t, seed, 45)
		})
	}
}

func propertyRun(t *testing.T, seed uint64, steps int) {
	form := smallForm()
	f := newFixture(t, form)
	rng := rand.New(rand.NewPCG(seed, 2838))
	var inputs []formula.Cell
	for _, r := range form.Rows {
		for _, c := range form.Columns {
			if r.HasValues() && c.Type != forms.Text && !form.IsFormula(r, c) {
				inputs = append(inputs, formula.Cell{Row: r.Key, Col: c.Code})
			}
		}
	}
	figure := func() string {
		switch rng.IntN(4) {
		case 0:
			return fmt.Sprint(rng.IntN(3))
		case 1:
			return fmt.Sprintf("%d.%d", rng.IntN(4), rng.IntN(10))
		case 2:
			return fmt.Sprintf("-%d.25", rng.IntN(2))
		default:
			return fmt.Sprintf("%d.50", rng.IntN(5)) // a scale PostgreSQL keeps
		}
	}
	fill := func(id int64) {
		f.exec(`DELETE FROM report_values WHERE report_id = $1`, id)
		for _, c := range inputs {
			if rng.IntN(5) > 0 {
				f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num) VALUES ($1, $2, $3, $4, $5)`,
					id, form.Key, c.Row, c.Col, figure())
			}
		}
	}
	const units = 7
	ids := make([]int64, units)
	status := make([]string, units)
	for i := range ids {
		unit := f.addUnit(fmt.Sprintf("Xã thử %d", i))
		ids[i] = f.addReport(report{unit: unit, receiver: f.receiverID, status: "draft"})
		status[i] = "draft"
		fill(ids[i])
	}
	set := func(i int, to string) {
		f.exec(`UPDATE reports SET status = $2 WHERE id = $1`, ids[i], to)
		status[i] = to
	}
	for step := range steps {
		i := rng.IntN(units)
		var did string
		switch op := rng.IntN(8); {
		case op == 0 && status[i] == "sent":
			set(i, "returned")
			did = "return"
		case op <= 2 && status[i] == "sent":
			set(i, "accepted")
			did = "accept"
		case op == 3 && status[i] == "accepted":
			set(i, "returned")
			did = "return after accept"
		case op == 4 && status[i] == "accepted":
			set(i, "draft") // supplementary version
			fill(ids[i])
			set(i, "sent")
			did = "supplement"
		case op == 5 && (status[i] == "accepted" || status[i] == "sent"):
			c := inputs[rng.IntN(len(inputs))]
			if rng.IntN(2) == 0 {
				f.exec(`DELETE FROM report_values WHERE report_id = $1 AND form_key = $2 AND row_key = $3 AND col_code = $4`, ids[i], form.Key, c.Row, c.Col)
			} else {
				f.exec(`INSERT INTO report_values (report_id, form_key, row_key, col_code, num) VALUES ($1, $2, $3, $4, $5)
					ON CONFLICT (report_id, form_key, row_key, col_code) DO UPDATE SET num = excluded.num`, ids[i], form.Key, c.Row, c.Col, figure())
			}
			did = "correct " + c.String()
		case op == 6:
			// Several reports in one statement, as the seed moves them.
			var moved []int64
			for j := range units {
				if status[j] == "sent" && rng.IntN(2) == 0 {
					moved = append(moved, ids[j])
					status[j] = "accepted"
				} else if status[j] == "accepted" && rng.IntN(3) == 0 {
					moved = append(moved, ids[j])
					status[j] = "returned"
				}
			}
			f.exec(`UPDATE reports SET status = CASE status WHEN 'sent' THEN 'accepted' ELSE 'returned' END WHERE id = ANY($1)`, moved)
			did = fmt.Sprintf("bulk move of %d", len(moved))
		case status[i] == "draft" || status[i] == "returned":
			if status[i] == "returned" {
				fill(ids[i])
			}
			set(i, "sent")
			did = "send"
		default:
			continue
		}
		mismatches, err := consolidation.Check(f.ctx, f.db)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mismatches {
			t.Errorf("step %d (%s of report %d): %s", step, did, i, m)
		}
		for _, includeSent := range []bool{false, true} {
			res, err := consolidation.Compute(f.ctx, f.db, &form, f.periodID, f.receiverID, includeSent)
			if err != nil {
				t.Fatal(err)
			}
			want, err := consolidation.Cells(f.ctx, f.db, &form, res.ReportIDs, inputs)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range inputs {
				if got := res.Cells[c]; got.OK != want[c].OK || got.Reports != want[c].Reports || !got.Value.Equal(want[c].Value) || got.Rule != want[c].Rule {
					t.Errorf("step %d (%s), sent %v: %s = %+v, recomputed %+v", step, did, includeSent, c, got, want[c])
				}
			}
		}
		if t.Failed() {
			t.FailNow()
		}
	}
}
