// Package ui owns photorec's pages: html/template files and plain JS/CSS, embedded with
// //go:embed so no Node build is needed. It is a leaf.
//
// Must not import: ./...
//
// Browser-test hooks: data-testid values by page; "x#y" means the element also has id y.
//   - layout: nav-home nav-login nav-my-recommendations nav-taste nav-user logout#logout logout-everywhere
//   - welcome: login-button#login my-recommendations browse-form browse-input browse-submit browse-error
//   - user: user-page#user-page user-name fave-count neighbor-count taste-link refresh-button#refresh
//     read-only-notice getting-started recs-ready progress#progress progress-bar#progress-bar
//     progress-text progress-failed photo-grid photo-item photo-link new-badge fave-button
//     dismiss-button why why-toggle comment comment-toggle comment-form comment-input
//     comment-submit item-status photo-empty load-more people-list person-item dismiss-person-button
//     algorithm-select#algorithm arrived-badge grid-announce#grid-announce person-status skip-to-people
//   - taste: taste-graph#taste-graph taste-node taste-center taste-detail
//   - error: error-message
//
// user-page carries data-nsid, data-mode, data-owner and data-running; photo-item carries
// data-photo-id (and data-arrived="true" when an update added it at the top); person-item
// carries data-nsid; fave-button carries aria-pressed.
package ui
