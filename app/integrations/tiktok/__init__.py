"""TikTok Shop Partner API (202309 versions): signing, client and adapter."""
