// Package network describes the post's physical network: offices (offices of
// exchange, processing centres, hubs, border points, warehouses, delivery
// offices) and the scheduled transport services between them.
package network
