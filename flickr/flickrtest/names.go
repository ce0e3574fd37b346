package flickrtest

import (
	"strconv"
	"strings"
)

// Word lists for generated names and titles. Some entries carry non-ASCII letters on purpose:
// usernames and real names on Flickr are unicode, path aliases are not.
var (
	firstNames = []string{
		"Anna", "Ben", "Chloé", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Inès", "Jonas",
		"Kasia", "Lars", "Mårten", "Nadia", "Oğuz", "Priya", "Quentin", "Renée", "Søren", "Tomás",
		"Ulla", "Vera", "Wen", "Ximena", "Yusuf", "Zoë", "Łukasz", "Björk", "José", "Mei",
		"Αλέξης", "Мария", "山田", "Ana", "Noah", "Leïla", "Pablo", "Ivo", "Emma", "Kai",
	}
	lastNames = []string{
		"Berg", "Costa", "Dubois", "Eriksson", "Fischer", "García", "Haddad", "Ivanova", "Jensen", "Kowalski",
		"Larsen", "Müller", "Nakamura", "Okafor", "Pereira", "Quinn", "Rossi", "Sánchez", "Tanaka", "Urban",
		"Varga", "Weiß", "Xu", "Yılmaz", "Zieliński", "Novák", "Øberg", "Dvořák", "Smith", "Brown",
	}
	handleWords = []string{
		"lens", "light", "photo", "shutter", "frame", "pixel", "grain", "focus", "aperture", "snap",
		"optic", "prism", "film", "bokeh", "exposure", "lumière", "ljus", "foto", "kamera", "fotó",
	}
	titleAdjectives = []string{
		"Quiet", "Golden", "Blue", "Early", "Last", "Hidden", "Wild", "Soft", "Northern", "Old",
		"Misty", "Bright", "Lonely", "Little", "Frozen", "Café", "Über", "Señal", "Rūta", "Night",
	}
)

// asciiFold lower-cases s and keeps only [a-z0-9], mapping common accented letters to their base.
func asciiFold(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if f, ok := foldMap[r]; ok {
				b.WriteByte(f)
			}
		}
	}
	return b.String()
}

var foldMap = map[rune]byte{
	'é': 'e', 'è': 'e', 'ë': 'e', 'ï': 'i', 'í': 'i', 'å': 'a', 'á': 'a', 'ø': 'o', 'ö': 'o',
	'ó': 'o', 'ğ': 'g', 'ü': 'u', 'ū': 'u', 'ł': 'l', 'ń': 'n', 'ñ': 'n', 'ß': 's', 'ř': 'r',
	'ı': 'i', 'š': 's', 'č': 'c',
}

// makeUsername builds a unique-looking handle from word picks; uniqueness is enforced by the caller.
func makeUsername(h uint64, i int) string {
	first := firstNames[h%uint64(len(firstNames))]
	word := handleWords[(h>>8)%uint64(len(handleWords))]
	switch (h >> 16) % 4 {
	case 0:
		return first + "_" + word
	case 1:
		return word + strings.ToLower(first) + strconv.Itoa(i%997)
	case 2:
		return first + " " + lastNames[(h>>24)%uint64(len(lastNames))]
	default:
		return strings.ToLower(first) + "." + word + strconv.Itoa(i%89)
	}
}

// makeRealname builds a real name; about one user in eight leaves it empty, as on Flickr.
func makeRealname(h uint64) string {
	if (h>>32)%8 == 0 {
		return ""
	}
	return firstNames[(h>>36)%uint64(len(firstNames))] + " " + lastNames[(h>>44)%uint64(len(lastNames))]
}

// makeTitle builds a photo title that names what its topic's pictures show; about one photo in
// ten has no title.
func makeTitle(h uint64, topic int) string {
	if h%10 == 0 {
		return ""
	}
	nouns := subjects[topic%len(subjects)].nouns
	return titleAdjectives[(h>>8)%uint64(len(titleAdjectives))] + " " + nouns[(h>>16)%uint64(len(nouns))]
}
