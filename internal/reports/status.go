package reports

// Status is where a report stands in the lifecycle of SPEC §4; the SQL
// column reports.status holds the same codes.
type Status string

// The statuses, in lifecycle order.
const (
	StatusDraft            Status = "draft"
	StatusAwaitingApproval Status = "awaiting_approval"
	StatusApproved         Status = "approved"
	StatusSigned           Status = "signed"
	StatusSent             Status = "sent"
	StatusReturned         Status = "returned"
	StatusAccepted         Status = "accepted"
)

// statusNames are the statuses in Vietnamese, with the colour of their tag.
var statusNames = map[Status][2]string{
	StatusDraft:            {"Đang soạn", "grey"},
	StatusAwaitingApproval: {"Chờ duyệt", "yellow"},
	StatusApproved:         {"Đã duyệt", "blue"},
	StatusSigned:           {"Đã ký số", "blue"},
	StatusSent:             {"Đã gửi", "green"},
	StatusReturned:         {"Bị trả lại", "red"},
	StatusAccepted:         {"Đã tiếp nhận", "green"},
}

// Label is the status in Vietnamese ("Đã tiếp nhận").
func (s Status) Label() string { return statusNames[s][0] }

// Tag is the colour of the status's tag.
func (s Status) Tag() string { return statusNames[s][1] }

// Editable reports whether a report in this status takes changes.
func (s Status) Editable() bool { return s == StatusDraft || s == StatusReturned }

// StatusName returns the status in Vietnamese and its tag colour.
func StatusName[S ~string](status S) (string, string) {
	n := statusNames[Status(status)]
	return n[0], n[1]
}
