// Package document renders PDF labels and customs/dispatch forms.
//
// Labels are 100 × 150 mm, the common thermal-label size. Barcodes and QR
// codes are drawn as vector rectangles, not raster images, so they stay
// sharp at any printer resolution; the Code 128 module width is a whole
// number of 203 dpi printer dots. Text is set in the embedded Go fonts
// (golang.org/x/image/font/gofont), so no system fonts are needed.
package document
