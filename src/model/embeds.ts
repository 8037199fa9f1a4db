/** Hosts whose players may be embedded (in a sandboxed iframe); configurable per site (`[content] embed_hosts`). */
export const DEFAULT_EMBED_HOSTS = [
  'www.youtube.com',
  'youtube.com',
  'www.youtube-nocookie.com',
  'player.vimeo.com',
  'www.dailymotion.com',
  'player.twitch.tv',
  'open.spotify.com',
  'w.soundcloud.com',
  'bandcamp.com',
  'www.ted.com',
  'embed.ted.com',
];
