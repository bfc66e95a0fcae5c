// Package audit keeps the log of staff actions: who (API key id, role,
// office scope, merchant or partner), what (the operation and the ids it
// names), when (the app clock) and from where (the client address) for
// every mutating API call and console form. The server records an entry
// after each such request; admins read the log as CSV. Entries have their
// own retention (privacy.Retention.Audit).
package audit
