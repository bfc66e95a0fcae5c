// Package civil holds calendar values independent of any time zone: a Date
// (YYYY-MM-DD), a Clock time of day (HH:MM) and a set of ISO Weekdays, with
// their text forms, and LocalTime, which places a date and clock in a zone.
package civil
