package bulk

import (
	"context"
	"time"
)

// Mode says what an upload stores when some rows are invalid.
type Mode string

// Modes of an upload.
const (
	ModeAll   Mode = "all"   // all or nothing: one invalid row stores nothing
	ModeValid Mode = "valid" // the valid rows are stored, the others reported
)

// Statuses of a job. Validating and storing are running; the others final.
const (
	StatusValidating = "validating"
	StatusStoring    = "storing"
	StatusDone       = "done"        // stored (in valid mode, the valid rows)
	StatusRejected   = "rejected"    // all mode with invalid rows: nothing stored
	StatusFailed     = "failed"      // the store failed: see Message; in all mode nothing is stored
	StatusStale      = "interrupted" // reported for a running job no node has touched for StaleAfter
)

// StaleAfter is how long a running job may go without an update before it
// counts as interrupted (its node stopped); uploading the same file again
// then runs it again, rows already stored being replayed by merchant_ref.
const StaleAfter = 10 * time.Minute

// Job is an upload and its progress.
type Job struct {
	ID        string    `json:"id"`
	Merchant  string    `json:"merchant"`
	FileHash  string    `json:"file_hash" doc:"SHA-256 of the merchant code and the file; the same file uploaded again for the same merchant returns this job"`
	FileName  string    `json:"file_name,omitempty"`
	Format    string    `json:"format" enum:"csv,xlsx"`
	Mode      Mode      `json:"mode" enum:"all,valid"`
	Status    string    `json:"status" enum:"validating,storing,done,rejected,failed,interrupted"`
	Rows      int       `json:"rows" doc:"Data rows in the file"`
	Done      int       `json:"done" doc:"Rows with a final outcome so far (invalid, stored or replayed)"`
	Errors    int       `json:"errors" doc:"Invalid rows"`
	Stored    int       `json:"stored" doc:"Rows stored as new shipments"`
	Replayed  int       `json:"replayed" doc:"Rows whose merchant_ref was already stored with the same data"`
	Message   string    `json:"message,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Final reports whether the job has stopped.
func (j Job) Final() bool { return j.Status != StatusValidating && j.Status != StatusStoring }

// RowResult is the outcome of one row.
type RowResult struct {
	Row         int       `json:"row" doc:"Line (CSV) or row (XLSX) number; the header is 1"`
	Status      string    `json:"status" enum:"created,replayed,invalid,not_stored"`
	Shipment    string    `json:"shipment,omitempty" doc:"S10 id of the shipment created or replayed"`
	MerchantRef string    `json:"merchant_ref,omitempty"`
	Problems    []Problem `json:"problems,omitempty"`
}

// Row statuses.
const (
	RowCreated   = "created"
	RowReplayed  = "replayed"
	RowInvalid   = "invalid"
	RowNotStored = "not_stored" // valid, but the job stored nothing (all mode with invalid rows, or a failed store)
)

// Store keeps jobs and their row results.
type Store interface {
	// CreateUpload stores a new job; if the merchant already uploaded a file
	// with the same hash it returns that job with created=false.
	CreateUpload(ctx context.Context, j Job) (job Job, created bool, err error)
	// UpdateUpload saves a job's status and counters.
	UpdateUpload(ctx context.Context, j Job) error
	// Upload returns a job, or not_found.
	Upload(ctx context.Context, id string) (Job, error)
	// PutUploadRows replaces the row results of a job.
	PutUploadRows(ctx context.Context, id string, rows []RowResult) error
	// UploadRows returns up to limit row results after row number after,
	// in row order.
	UploadRows(ctx context.Context, id string, after, limit int) ([]RowResult, error)
}
