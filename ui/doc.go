// Package ui owns photorec's pages: html/template files and plain JS/CSS, embedded with
// //go:embed so no Node build is needed. It is a leaf: it must not import any photorec package.
//
// Stable hooks for browser tests (data-testid unless marked #id):
//   - layout: nav-home, nav-login, nav-my-recommendations, nav-taste, nav-user, logout (#logout)
//   - welcome: login-button (#login), my-recommendations, browse-form, browse-input, browse-submit, browse-error
//   - user page: user-page (#user-page, data-nsid/-mode/-owner/-running), user-name, fave-count,
//     neighbor-count, taste-link, refresh-button (#refresh), read-only-notice, getting-started,
//     progress (#progress), progress-bar (#progress-bar), progress-text, progress-failed,
//     photo-grid, photo-item (data-photo-id), photo-link, new-badge, fave-button (aria-pressed),
//     dismiss-button, why, why-toggle, comment-form, comment-input, comment-submit, item-status,
//     photo-empty, load-more, people-list, person-item (data-nsid), dismiss-person-button
//   - taste page: taste-graph (#taste-graph, an SVG), taste-node, taste-center, taste-detail
//   - error page: error-message
package ui
