// Package ui owns photorec's pages: html/template files and plain JS/CSS, embedded with
// //go:embed so no Node build is needed. It is a leaf.
//
// Must not import: ./...
//
// Browser-test hooks: data-testid values by page; "x#y" means the element also has id y.
//   - layout: nav-home nav-login nav-my-recommendations nav-taste nav-user logout#logout logout-everywhere
//   - welcome: login-button#login my-recommendations browse-form browse-input browse-submit browse-error
//   - user: user-page#user-page user-name fave-count neighbor-count taste-link refresh-button#refresh
//     read-only-notice getting-started recs-ready#recs-ready progress#progress progress-bar#progress-bar
//     progress-text progress-failed noscript-note status#status photo-grid#photo-grid photo-item
//     photo-link owner-link why new-badge arrived-badge fave-button dismiss-button undo-dismiss
//     item-status photo-empty#photo-empty load-more#load-more new-pill#new-pill grid-announce#grid-announce
//     algorithm-select#algorithm skip-to-people link-rule people-list#people-list person-item
//     person-name person-common follow-link their-recs dismiss-person-button person-status
//   - lightbox (on the user page): lightbox#lightbox lightbox-img#lb-img lightbox-prev#lb-prev
//     lightbox-next#lb-next lightbox-title#lb-title lightbox-close#lb-close lightbox-owner#lb-owner
//     lightbox-owner-recs#lb-owner-recs lightbox-fave#lb-fave lightbox-dismiss#lb-dismiss
//     lightbox-flickr#lb-flickr lightbox-why#lb-reasons more-like-this#lb-more comment-toggle
//     comment-form#lb-comment-form comment-input comment-submit
//   - taste: taste-graph#taste-graph taste-node taste-center taste-detail taste-list taste-item
//   - error: error-page error-message
//
// user-page carries data-nsid, data-name, data-mode, data-owner, data-running and data-algorithm;
// photo-item carries data-photo-id, data-w and data-h (the photo's size, when known) and
// data-arrived="true" when the person took it in from the new-photos pill; person-item carries
// data-nsid; fave-button carries aria-pressed.
package ui
