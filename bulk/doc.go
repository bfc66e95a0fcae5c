// Package bulk creates shipments from an uploaded file: a CSV (UTF-8 or
// GB18030) or XLSX sheet in the template of docs/formats.md, one row per
// shipment, validated row by row by acceptance and stored as a job whose
// progress and per-row results are kept in the store, so any node can
// report them. It reads files and runs jobs; it imports no database, HTTP
// or PDF package.
package bulk
