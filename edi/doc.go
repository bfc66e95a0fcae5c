// Package edi holds the codecs of the messages Interpost exchanges with
// partner posts and carriers. Its first is the partner event message (EVT):
// item, receptacle and dispatch events as partner posts send them, modelled
// on UPU EMSEVT V3 — a header naming the sender, one record per event with
// the local time and UTC offset of the scan, and a trailer with the count.
// docs/formats.md describes the layout and its mapping to tracking events.
package edi
