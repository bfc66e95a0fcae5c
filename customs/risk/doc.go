// Package risk is customs' rule engine: it reads the rules file the customs
// team edits (YAML or JSON, documented in docs/customs-rules.md), compiles it
// into an Engine and screens declarations with it.
//
//	rules file ──ParseRules──▶ RuleFile ──Compile──▶ Engine
//	Subject + Prior ──Engine.Screen──▶ Screening (hits, score, proposed Action)
//
// The engine sees a declaration through a Subject, which package customs
// builds from a validated declaration: values already in SDR, HS codes
// normalised, parties reduced to the names and countries the rules read.
// Watch-list screening matches names across scripts and spellings (see
// NormalizeName). The rules file also holds the destination countries' duty
// tables (DutyTable); the engine compiles them because value and splitting
// rules read the de minimis, and customs assesses duties with them.
//
// The package imports neither customs nor any store: it is pure computation
// over its inputs.
package risk
