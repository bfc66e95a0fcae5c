// Package postal holds the value types every other Interpost package shares:
// UPU identifiers (S10 items, S9 receptacles, S8 dispatches), country and
// currency codes, HS tariff codes, products and mail classes, and the error
// type that carries a machine-readable code and a message a user can act on.
//
// It imports nothing outside the standard library so that every domain
// package can depend on it.
package postal
