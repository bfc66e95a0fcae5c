// Package i18n holds Interpost's message catalogues and the rules for
// choosing a language: the console (zh-CN and en), the public tracking page
// (the buyer's language) and documents produced for staff take their texts
// from here.
//
// Messages live in YAML files under locales/, one file per area and
// language, named AREA.LANG.yaml (console.en.yaml, console.zh-CN.yaml,
// track.ru.yaml …); go-i18n (github.com/nicksnyder/go-i18n) loads them and
// applies CLDR plural rules, golang.org/x/text formats numbers per locale.
// English is the source language: every message id exists in an *.en.yaml
// file, and Missing lists the ids a language lacks, for the tests that keep
// catalogues complete. An unknown or unsupported language falls back to
// English, never to an error.
package i18n

//go:generate go run ./internal/gencountry locales
