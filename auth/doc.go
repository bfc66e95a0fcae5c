// Package auth holds API keys and roles: who a caller is (a Principal) and
// what each role may do. Keys are random 256-bit secrets shown once at
// creation and stored only as their SHA-256 hash.
package auth
