// Code below binds each statement file to a Go value; //go:embed makes a missing file a
// compile error, and the header is parsed when the package loads (TestHeaders checks it).

package cypher

import _ "embed"

// The text of each statement file.
var (
	//go:embed store/add_faves.cypher
	addFavesText string
	//go:embed store/add_photos.cypher
	addPhotosText string
	//go:embed store/add_follows.cypher
	addFollowsText string
	//go:embed store/applied_migrations.cypher
	appliedMigrationsText string
	//go:embed store/common_faves.cypher
	commonFavesText string
	//go:embed store/delete_all.cypher
	deleteAllText string
	//go:embed store/delete_migrations.cypher
	deleteMigrationsText string
	//go:embed store/delete_token.cypher
	deleteTokenText string
	//go:embed store/dismiss_photo.cypher
	dismissPhotoText string
	//go:embed store/dismiss_user.cypher
	dismissUserText string
	//go:embed store/due_for_refresh.cypher
	dueForRefreshText string
	//go:embed store/ensure_migration_constraint.cypher
	ensureMigrationConstraintText string
	//go:embed store/finish_pull.cypher
	finishPullText string
	//go:embed store/rank_member.cypher
	rankMemberText string
	//go:embed store/rank_cofaver_faves.cypher
	rankCofaverFavesText string
	//go:embed store/rank_faves.cypher
	rankFavesText string
	//go:embed store/rank_favers.cypher
	rankFaversText string
	//go:embed store/rank_took.cypher
	rankTookText string
	//go:embed store/rank_users.cypher
	rankUsersText string
	//go:embed store/store_ranking.cypher
	storeRankingText string
	//go:embed store/ranking_state.cypher
	rankingStateText string
	//go:embed store/ranking_algorithms.cypher
	rankingAlgorithmsText string
	//go:embed store/ranking_page.cypher
	rankingPageText string
	//go:embed store/page_photos.cypher
	pagePhotosText string
	//go:embed store/get_photo.cypher
	getPhotoText string
	//go:embed store/get_token.cypher
	getTokenText string
	//go:embed store/get_user.cypher
	getUserText string
	//go:embed store/mark_visit.cypher
	markVisitText string
	//go:embed store/neighbors.cypher
	neighborsText string
	//go:embed store/ping.cypher
	pingText string
	//go:embed store/prune_follows.cypher
	pruneFollowsText string
	//go:embed store/pull_state.cypher
	pullStateText string
	//go:embed store/put_token.cypher
	putTokenText string
	//go:embed store/recommend_photos_flexplore.cypher
	recommendPhotosFlexploreText string
	//go:embed store/recommend_photos_popularity.cypher
	recommendPhotosPopularityText string
	//go:embed store/recommend_users.cypher
	recommendUsersText string
	//go:embed store/record_migration.cypher
	recordMigrationText string
	//go:embed store/register.cypher
	registerText string
	//go:embed store/remove_fave.cypher
	removeFaveText string
	//go:embed store/stats.cypher
	statsText string
	//go:embed store/summary.cypher
	summaryText string
	//go:embed store/undismiss_photo.cypher
	undismissPhotoText string
	//go:embed store/undismiss_user.cypher
	undismissUserText string
	//go:embed store/upsert_users.cypher
	upsertUsersText string
)

// The statements of the Neo4j backend; each file's header documents its contract.
var (
	AddFaves                  = mustParse("store/add_faves.cypher", addFavesText)
	AddPhotos                 = mustParse("store/add_photos.cypher", addPhotosText)
	AddFollows                = mustParse("store/add_follows.cypher", addFollowsText)
	AppliedMigrations         = mustParse("store/applied_migrations.cypher", appliedMigrationsText)
	CommonFaves               = mustParse("store/common_faves.cypher", commonFavesText)
	DeleteAll                 = mustParse("store/delete_all.cypher", deleteAllText)
	DeleteMigrations          = mustParse("store/delete_migrations.cypher", deleteMigrationsText)
	DeleteToken               = mustParse("store/delete_token.cypher", deleteTokenText)
	DismissPhoto              = mustParse("store/dismiss_photo.cypher", dismissPhotoText)
	DismissUser               = mustParse("store/dismiss_user.cypher", dismissUserText)
	DueForRefresh             = mustParse("store/due_for_refresh.cypher", dueForRefreshText)
	RankMember                = mustParse("store/rank_member.cypher", rankMemberText)
	RankCofaverFaves          = mustParse("store/rank_cofaver_faves.cypher", rankCofaverFavesText)
	RankFaves                 = mustParse("store/rank_faves.cypher", rankFavesText)
	RankFavers                = mustParse("store/rank_favers.cypher", rankFaversText)
	RankTook                  = mustParse("store/rank_took.cypher", rankTookText)
	RankUsers                 = mustParse("store/rank_users.cypher", rankUsersText)
	StoreRanking              = mustParse("store/store_ranking.cypher", storeRankingText)
	RankingState              = mustParse("store/ranking_state.cypher", rankingStateText)
	RankingAlgorithms         = mustParse("store/ranking_algorithms.cypher", rankingAlgorithmsText)
	RankingPage               = mustParse("store/ranking_page.cypher", rankingPageText)
	PagePhotos                = mustParse("store/page_photos.cypher", pagePhotosText)
	EnsureMigrationConstraint = mustParse("store/ensure_migration_constraint.cypher", ensureMigrationConstraintText)
	FinishPull                = mustParse("store/finish_pull.cypher", finishPullText)
	GetPhoto                  = mustParse("store/get_photo.cypher", getPhotoText)
	GetToken                  = mustParse("store/get_token.cypher", getTokenText)
	GetUser                   = mustParse("store/get_user.cypher", getUserText)
	MarkVisit                 = mustParse("store/mark_visit.cypher", markVisitText)
	Neighbors                 = mustParse("store/neighbors.cypher", neighborsText)
	Ping                      = mustParse("store/ping.cypher", pingText)
	PruneFollows              = mustParse("store/prune_follows.cypher", pruneFollowsText)
	PullState                 = mustParse("store/pull_state.cypher", pullStateText)
	PutToken                  = mustParse("store/put_token.cypher", putTokenText)
	RecommendPhotosFlexplore  = mustParse("store/recommend_photos_flexplore.cypher", recommendPhotosFlexploreText)
	RecommendPhotosPopularity = mustParse("store/recommend_photos_popularity.cypher", recommendPhotosPopularityText)
	RecommendUsers            = mustParse("store/recommend_users.cypher", recommendUsersText)
	RecordMigration           = mustParse("store/record_migration.cypher", recordMigrationText)
	Register                  = mustParse("store/register.cypher", registerText)
	RemoveFave                = mustParse("store/remove_fave.cypher", removeFaveText)
	Stats                     = mustParse("store/stats.cypher", statsText)
	Summary                   = mustParse("store/summary.cypher", summaryText)
	UndismissPhoto            = mustParse("store/undismiss_photo.cypher", undismissPhotoText)
	UndismissUser             = mustParse("store/undismiss_user.cypher", undismissUserText)
	UpsertUsers               = mustParse("store/upsert_users.cypher", upsertUsersText)
)

// Store lists every statement of the Neo4j backend, by name.
func Store() []Statement {
	return []Statement{
		AddFaves,
		AddPhotos,
		AddFollows,
		AppliedMigrations,
		CommonFaves,
		DeleteAll,
		DeleteMigrations,
		DeleteToken,
		DismissPhoto,
		DismissUser,
		DueForRefresh,
		RankMember,
		RankCofaverFaves,
		RankFaves,
		RankFavers,
		RankTook,
		RankUsers,
		StoreRanking,
		RankingState,
		RankingAlgorithms,
		RankingPage,
		PagePhotos,
		EnsureMigrationConstraint,
		FinishPull,
		GetPhoto,
		GetToken,
		GetUser,
		MarkVisit,
		Neighbors,
		Ping,
		PruneFollows,
		PullState,
		PutToken,
		RecommendPhotosFlexplore,
		RecommendPhotosPopularity,
		RecommendUsers,
		RecordMigration,
		Register,
		RemoveFave,
		Stats,
		Summary,
		UndismissPhoto,
		UndismissUser,
		UpsertUsers,
	}
}
