// Package document renders PDF labels and customs/dispatch forms.
//
// It sits at the edge, beside server and the CLI: it imports the domain
// packages it prints and maps their values to its own input types
// (ShipmentLabel for acceptance, ConsignmentBill for dispatch,
// AccountStatement and MerchantInvoice for accounting); no domain package
// imports it.
//
// Labels are 100 × 150 mm, the common thermal-label size. Barcodes and QR
// codes are drawn as vector rectangles, not raster images, so they stay
// sharp at any printer resolution; the Code 128 module width is a whole
// number of 203 dpi printer dots. Text is set in the embedded Go fonts
// (golang.org/x/image/font/gofont) and, for the characters they lack, in
// embedded fallback fonts (font.go, font/README.md), so no system fonts
// are needed.
package document
