// Package demo builds the demo world: the offices of a large post's
// international network (China's offices of exchange, its rail and road
// border points, and partner offices along the real corridors), merchants of
// the e-commerce clusters that ship through them, and a fortnight of their
// shipments, all created through the same services the API uses.
package demo
