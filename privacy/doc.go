// Package privacy erases the personal data of senders, addressees and
// buyers once its retention ends, and exports everything stored about a
// person on request.
//
// Personal data sits in the party objects ("sender", "addressee", "buyer",
// "seller") of shipments, warehouse orders and customs items. Erasure
// blanks every field of those objects except the country, and replaces a
// customs item's addressee key; the record itself stays (S10 id, product,
// weight, value, HS codes, countries, dates) because statistics,
// terminal dues and accounting need it and it names nobody. Each run is
// stored as an erasure record (when, cut-offs, counts). See docs/privacy.md.
package privacy
