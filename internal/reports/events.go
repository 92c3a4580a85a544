package reports

// The events of reports, emitted (internal/events) in the transaction of
// the change: whoever reacts to them (notify) registers a worker for their
// kind.

// Moved is a report's transition by Action, with the official's reason
// for a return; Version is the report's version after it, ActorID the
// official who moved it (0: the system).
type Moved struct {
	ReportID int64  `json:"report_id"`
	Action   Action `json:"action"`
	Version  int    `json:"version"`
	Reason   string `json:"reason,omitempty"`
	ActorID  int64  `json:"actor_id,omitempty"`
}

func (Moved) Kind() string { return "report_moved" }

// PeriodOpened is the creation of a period's reports, one per unit
// assigned.
type PeriodOpened struct {
	PeriodID int64 `json:"period_id"`
}

func (PeriodOpened) Kind() string { return "period_opened" }
