package web

import (
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/internal/reports"
	"baocao/templates/pages"
)

// Questions without a return (issue 18, "Đề nghị giải trình"): the
// receiver asks about a cell of a sent or accepted report, the unit
// answers on the cell's page, the receiver closes the question. Asking
// and closing are the receiver's (policy.ReceiveReport), answering the
// unit's (policy.EditReport); the report's figures and status stay.

func questionID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(chi.URLParam(r, "questionID"), 10, 64)
	return id
}

// questionsView adds to a cell's page its questions and what the viewer
// may do with them.
func (s *Server) questionsView(r *http.Request, rep *reports.Report, v *pages.CellView) error {
	ctx := r.Context()
	all, err := s.reports.Questions(ctx, rep.ID)
	if err != nil {
		return err
	}
	for _, q := range all {
		if q.Key == v.Key {
			v.Questions = append(v.Questions, q)
		}
	}
	a := currentAccount(r)
	receiver := s.policy.Authorize(ctx, a, policy.ReceiveReport, reportObject(rep)) == nil
	v.CanAsk = receiver && (rep.Status == reports.StatusSent || rep.Status == reports.StatusAccepted)
	v.CanClose = receiver
	v.CanAnswer = s.policy.Authorize(ctx, a, policy.EditReport, reportObject(rep)) == nil
	return nil
}

// reportAsk records the receiver's question about a cell.
func (s *Server) reportAsk(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	key := r.PostFormValue("key")
	_, err := s.reports.Ask(r.Context(), rep, key, r.PostFormValue("question"))
	if fields := apperr.FieldErrors(err); fields != nil {
		s.cellRefused(w, r, rep, key, func(v *pages.CellView) { v.AskTyped, v.AskError = r.PostFormValue("question"), fields["question"] })
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, cellPath(rep.ID, key), "Đã gửi đề nghị giải trình đến "+rep.Unit+"; báo cáo không bị trả lại.")
}

// reportAnswer records the unit's answer to a question on its report.
func (s *Server) reportAnswer(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	key := r.PostFormValue("key")
	id := questionID(r)
	err := s.reports.AnswerQuestion(r.Context(), rep, id, r.PostFormValue("answer"))
	if fields := apperr.FieldErrors(err); fields != nil {
		s.cellRefused(w, r, rep, key, func(v *pages.CellView) {
			v.AnswerFor, v.AnswerTyped, v.AnswerError = id, r.PostFormValue("answer"), fields["answer"]
		})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, cellPath(rep.ID, key), "Đã gửi trả lời đến "+rep.Receiver+".")
}

// reportQuestionClose is the receiver's end of a question.
func (s *Server) reportQuestionClose(w http.ResponseWriter, r *http.Request) {
	rep := targetReport(r)
	if err := s.reports.CloseQuestion(r.Context(), rep, questionID(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, cellPath(rep.ID, r.PostFormValue("key")), "Đã đóng đề nghị giải trình.")
}

// cellRefused shows the cell's page again with what was typed and why it
// was refused.
func (s *Server) cellRefused(w http.ResponseWriter, r *http.Request, rep *reports.Report, key string, refused func(*pages.CellView)) {
	v, err := s.cellView(r, rep, key)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refused(&v)
	s.render(w, r, http.StatusUnprocessableEntity, pages.ReportCell(s.page(r, v.Name, "home", s.cellCrumbs(rep)...), v))
}
