// Package customs supervises postal, commercial express and cross-border
// e-commerce items together ("three in one"): one Declaration model for the
// three streams, advance-data intake (single declarations and bulk
// manifests), the officer workflow with its audit trail and tracking events,
// and duties and taxes. Screening is the rule engine of package
// customs/risk: Screen hands it a validated declaration and Service keeps
// the rules in force.
//
// The flow of one item:
//
//	Declaration ──Validate──▶ Screen (risk.Engine, rules file) ──▶ Item
//	  released automatically when the proposed action is release,
//	  otherwise pending in its office's queue ──▶ officer decisions
//	  (claim, hold, inspect, release, seize, return) ──▶ audit + Events
//
// Rules live in a versioned YAML or JSON file the customs team edits (see
// docs/customs-rules.md); a file that fails to load leaves the rules in
// force untouched. Decisions emit UPU item events (EXA/EXB/EXC/EXX on
// export, EDB/EME/EDC/EDX on import) through an outbox so that a decision
// and its events are stored together, and an EventSink delivers them.
//
// The package knows nothing of SQL or HTTP: Store is what it needs from
// persistence.
package customs
