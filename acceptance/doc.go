// Package acceptance turns a merchant's shipment request into a postal item:
// it validates every field against the product's rules, decides between a
// CN 22 and a CN 23, allocates a UPU S10 id from the product's serial ranges
// and keeps retried requests (same Idempotency-Key) from creating a second
// item.
//
// It knows nothing of SQL or HTTP; the Store interface is what it needs from
// persistence.
package acceptance
