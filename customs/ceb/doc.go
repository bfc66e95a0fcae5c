// Package ceb reads, checks and writes China Customs' cross-border e-commerce (CEB) messages,
// namespace http://www.chinaport.gov.cn/ceb: the whole import (CEB311 … CEB816) and export
// (CEB303 … CEB792) family of the 202205 enterprise message standard, receipts included, and the
// DxpMsg transport envelope.
//
// The schema is data: schema.md holds the element trees of the official 202205 XSDs (order,
// occurrence, type and length facets, the Chinese documentation) and is parsed at start; one
// validator walks it. Rules the facets cannot express (times, confirmed code lists, fixed values,
// line numbering, CEB311 totals) are in rules.go, each with its source. Every problem names the
// element by path: /CEB621Message/Inventory/InventoryList[3]/gcode: 11 characters, must be exactly 10.
//
// Typed values exist for what Interpost itself produces or consumes as the logistics enterprise:
// Waybill (CEB511), DeliveryStatus (CEB513), Inventory (CEB621) and Receipt (every receipt type).
// Every other type is read and written through its element tree (Message.Root).
//
// The package is domain-side: no SQL, HTTP or files.
package ceb
