"""Photo bytes: where they are kept (`store`) and how an upload is checked and thumbnailed
(`images`). The relational store keeps only their metadata (`microblog.media_models`)."""
