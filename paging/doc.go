// Package paging is the one home of list pagination: the opaque cursor every
// list hands out for its next page and the rule that a page holds 1 to Max
// items. Errors are postal errors that name the offending field.
package paging
