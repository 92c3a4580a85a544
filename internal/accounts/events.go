package accounts

// Locked is the event of an account locked after too many failed
// sign-ins, emitted (internal/events) in the transaction that locked it.
type Locked struct {
	AccountID int64 `json:"account_id"`
}

func (Locked) Kind() string { return "account_locked" }
