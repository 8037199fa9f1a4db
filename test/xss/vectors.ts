/**
 * Cross-site scripting vectors that courtesy's sanitizer must defeat, for the browser test
 * (test/e2e/xss-browser.test.ts), which feeds each one through a feed and through an article page
 * and proves in Chromium that none of them runs.
 *
 * The techniques are the ones catalogued by the OWASP XSS Filter Evasion Cheat Sheet
 * (cheatsheetseries.owasp.org, after RSnake's original list), the HTML5 Security Cheatsheet
 * (html5sec.org, Mario Heiderich and Cure53), PortSwigger's Cross-site scripting cheat sheet, and
 * the test suites of DOMPurify (Cure53) and sanitize-html; the vectors here are written for courtesy
 * from those techniques, each calling `alert(N)` (or an equivalent) with its own number, so that a
 * vector that runs names itself.
 *
 * `js` is the code a vector must not be able to run, such as `alert(7)`.
 */

type Template = (js: string, n: number) => string;

/** Character references of every character: `&#106;&#97;...`. */
const decimal = (s: string) => [...s].map((c) => `&#${c.codePointAt(0)};`).join('');
const hex = (s: string) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('');
const padded = (s: string) => [...s].map((c) => `&#00000${c.codePointAt(0)}`).join('');
const base64 = (s: string) => Buffer.from(s).toString('base64');
const url = (s: string) => [...s].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('');

/** Elements and the events that fire on them without a reader doing anything (or on a hover or a click). */
const HANDLERS: Array<[string, string]> = [
  ['<img src=x onerror=$>', 'img onerror'],
  ['<img src="/nonexistent.png" onload=$ onerror=$>', 'img onload'],
  ['<svg onload=$>', 'svg onload'],
  ['<svg><g onload=$></g></svg>', 'svg g onload'],
  ['<body onload=$>', 'body onload'],
  ['<body onpageshow=$>', 'body onpageshow'],
  ['<video src=x onerror=$></video>', 'video onerror'],
  ['<video><source onerror=$></video>', 'source onerror'],
  ['<audio src=x onerror=$></audio>', 'audio onerror'],
  ['<iframe onload=$></iframe>', 'iframe onload'],
  ['<input autofocus onfocus=$>', 'input onfocus'],
  ['<select autofocus onfocus=$></select>', 'select onfocus'],
  ['<textarea autofocus onfocus=$></textarea>', 'textarea onfocus'],
  ['<button autofocus onfocus=$>b</button>', 'button onfocus'],
  ['<details open ontoggle=$><summary>s</summary></details>', 'details ontoggle'],
  ['<marquee onstart=$>m</marquee>', 'marquee onstart'],
  ['<object data=x onerror=$></object>', 'object onerror'],
  ['<embed src=x onload=$>', 'embed onload'],
  ['<link rel=stylesheet href=x onload=$ onerror=$>', 'link onload'],
  ['<style onload=$>p{}</style>', 'style onload'],
  ['<div onmouseover=$ style="position:fixed;inset:0">hover</div>', 'div onmouseover'],
  ['<a onclick=$ href="#">click</a>', 'a onclick'],
  ['<p onanimationstart=$ style="animation:spin 1s">p</p>', 'onanimationstart'],
  ['<div tabindex=1 autofocus onfocusin=$>f</div>', 'div onfocusin'],
  ['<form onsubmit=$><input type=submit></form>', 'form onsubmit'],
  ['<frameset onload=$></frameset>', 'frameset onload'],
  ['<table background=x onerror=$><tr><td>t</td></tr></table>', 'table onerror'],
  ['<image src=x onerror=$>', 'image onerror'],
  ['<isindex type=image src=x onerror=$>', 'isindex onerror'],
  ['<math><maction actiontype=statusline onmouseover=$>m</maction></math>', 'math onmouseover'],
  ['<svg><animate onbegin=$ attributeName=x dur=1s></svg>', 'svg animate onbegin'],
  ['<svg><set onbegin=$ attributeName=x to=1></svg>', 'svg set onbegin'],
  ['<x contenteditable autofocus onfocus=$>x</x>', 'custom element onfocus'],
  ['<img src=x onerror="$">', 'quoted handler'],
  ["<img src=x onerror='$'>", 'single-quoted handler'],
  ['<img src=x onerror=`$`>', 'backtick handler'],
];

/** How a `javascript:` URL is written to slip past a filter. */
const SCHEMES: Template[] = [
  (js) => `javascript:${js}`,
  (js) => `JaVaScRiPt:${js}`,
  (js) => ` javascript:${js}`,
  (js) => `\tjava\tscript:${js}`,
  (js) => `java\nscript:${js}`,
  (js) => `java&#x09;script:${js}`,
  (js) => `java&#10;script:${js}`,
  (js) => `&#x6A;avascript:${js}`,
  (js) => decimal(`javascript:${js}`),
  (js) => hex(`javascript:${js}`),
  (js) => padded(`javascript:${js}`),
  (js) => `javascript&colon;${js}`,
  (js) => `javascript://%0a${url(js)}`,
  (js) => `javascript:${url(js)}`,
  (js) => `\u0001javascript:${js}`,
  (js) => `data:text/html,<script>${js}</script>`,
  (js) => `data:text/html;base64,${base64(`<script>${js}</script>`)}`,
  (js) => `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload="${js}"/>`,
  () => 'vbscript:msgbox(1)',
];

/** Where a URL may carry a script. */
const URL_PLACES: Array<(u: string) => string> = [
  (u) => `<a href="${u}">link</a>`,
  (u) => `<iframe src="${u}"></iframe>`,
  (u) => `<img src="${u}">`,
  (u) => `<form action="${u}"><button>go</button></form>`,
  (u) => `<button formaction="${u}">go</button>`,
  (u) => `<object data="${u}"></object>`,
  (u) => `<embed src="${u}">`,
  (u) => `<svg><a xlink:href="${u}"><text x="20" y="20">svg link</text></a></svg>`,
  (u) => `<math href="${u}"><mi>math link</mi></math>`,
  (u) => `<video poster="${u}"></video>`,
  (u) => `<area href="${u}">`,
  (u) => `<base href="${u}">`,
  (u) => `<meta http-equiv="refresh" content="0;url=${u}">`,
  (u) => `<link rel="stylesheet" href="${u}">`,
  (u) => `<blockquote cite="${u}">q</blockquote>`,
  (u) => `<table background="${u}"><tr><td>t</td></tr></table>`,
];

/** Vectors that need no handler or URL: scripts, parser differentials, styles, dangerous elements. */
const OTHERS: Template[] = [
  (js) => `<script>${js}</script>`,
  (js) => `<SCRIPT>${js}</SCRIPT>`,
  (js) => `<script/x>${js}</script>`,
  (js) => `<script type="text/javascript">${js}</script>`,
  (js) => `<script src="data:text/javascript,${js}"></script>`,
  (js) => `<<script>${js}//<</script>`,
  (js) => `<scr<script>ipt>${js}</scr</script>ipt>`,
  (js) => `<script>${js}</script`,
  (js) => `<svg><script>${js}</script></svg>`,
  (js) => `<svg><script xlink:href="data:text/javascript,${js}"></script></svg>`,
  (js) => `<svg><foreignObject><img src=x onerror=${js}></foreignObject></svg>`,
  (js) =>
    `<svg><use href="data:image/svg+xml,<svg id='x' xmlns='http://www.w3.org/2000/svg'><image href='x' onerror='${js}'/></svg>#x"/></svg>`,
  (js) =>
    `<math><mtext><table><mglyph><style><img src=x onerror=${js}></style></mglyph></table></mtext></math>`,
  (js) => `<svg></p><style><a id="</style><img src=1 onerror=${js}>">`,
  (js) => `<form><math><mtext></form><form><mglyph><style></math><img src onerror=${js}>`,
  (js) =>
    `<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=${js} src=1>"></path></textarea></mtext></svg></mglyph></mi></math>`,
  (js) => `<noscript><p title="</noscript><img src=x onerror=${js}>"></noscript>`,
  (js) => `<p><svg><style><img src=x onerror=${js}></style></svg></p>`,
  (js) => `<xmp><img src=x onerror=${js}></xmp>`,
  (js) => `<noembed><img src=x onerror=${js}></noembed>`,
  (js) => `<noframes><img src=x onerror=${js}></noframes>`,
  (js) => `<iframe><img src=x onerror=${js}></iframe>`,
  (js) => `<textarea><img src=x onerror=${js}></textarea>`,
  (js) => `<title><img src=x onerror=${js}></title>`,
  (js) => `<style><img src=x onerror=${js}></style>`,
  (js) => `<template><img src=x onerror=${js}></template>`,
  (js) => `<!--><img src=x onerror=${js}>-->`,
  (js) => `<!-- --!><img src=x onerror=${js}> -->`,
  (js) => `<![CDATA[><img src=x onerror=${js}>]]>`,
  (js) => `<?xml-stylesheet type="text/css"?><img src=x onerror=${js}>`,
  (js) => `</br><img src=x onerror=${js}>`,
  (js) => `<img """><script>${js}</script>">`,
  (js) => `<img/src=x/onerror=${js}>`,
  (js) => `<IMG SRC=x ONERROR=${js}>`,
  (js) => `<img src=x oNeRrOr=${js}>`,
  (js) => `<img src=x onerror\n=${js}>`,
  (js) => `<img src=x onerror=${decimal(js)}>`,
  (js) => `<img src=x onerror=${js.replace('(', '&lpar;').replace(')', '&rpar;')}>`,
  (js) => `<img src=\`x\`onerror=${js}>`,
  (js) => `<img src=x:x onerror=${js.replace(/^alert/, '\\u0061lert')}>`,
  (js) => `<div style="background:url(javascript:${js})">css</div>`,
  (js) => `<div style="width:expression(${js})">css</div>`,
  (js) => `<div style="behavior:url(#default#time2)" onbegin="${js}">css</div>`,
  (js) => `<style>@import 'javascript:${js}';</style>`,
  (js) => `<style>*{background:url("javascript:${js}")}</style>`,
  (js) => `<style>@keyframes x{}</style><p style="animation-name:x" onanimationstart="${js}">p</p>`,
  (js) => `<iframe srcdoc="&lt;script&gt;${js}&lt;/script&gt;"></iframe>`,
  (js) => `<iframe src="https://www.youtube.com/embed/x" srcdoc="<script>${js}</script>"></iframe>`,
  (js) => `<iframe src="https://www.youtube.com.evil.example/embed/x" onload="${js}"></iframe>`,
  (js) =>
    `<iframe src="javascript:${js}" sandbox="allow-scripts allow-same-origin allow-top-navigation"></iframe>`,
  (js) =>
    `<object type="text/html" data="data:text/html;base64,${base64(`<script>${js}</script>`)}"></object>`,
  (js) =>
    `<embed type="image/svg+xml" src="data:image/svg+xml;base64,${base64(`<svg xmlns="http://www.w3.org/2000/svg" onload="${js}"/>`)}">`,
  (js) => `<applet code="javascript:${js}"></applet>`,
  (js) => `<portal src="javascript:${js}"></portal>`,
  (js) => `<base href="javascript:${js}//"><a href="/relative">relative</a>`,
  (js) => `<meta http-equiv="refresh" content="0; url=data:text/html,<script>${js}</script>">`,
  (js) => `<meta charset="x-imap4-modified-utf7">&ADz-script&AD4-${js}&ADw-/script&AD4-`,
  (js) => `<form id=f><button form=f formaction="javascript:${js}">go</button></form>`,
  (js) => `<input type=image src=x onerror=${js}>`,
  (js) => `<keygen autofocus onfocus=${js}>`,
  (js) => `<a href="#" id="x" onfocus=${js} autofocus tabindex=1>focus</a>`,
  (js) => `<a href="javas&#99;ript:${js}">entity link</a>`,
  (js) => `<a href="&#1;javascript:${js}">control link</a>`,
  (js) => `<a href="jav&#x0D;ascript:${js}">CR link</a>`,
  (js) => `<a href=" &#14;  javascript:${js}">space link</a>`,
  (js) => `<a href="javascript&#58;${js}">colon link</a>`,
  (js) => `<a href="http://x" onmouseover="${js}">hover link</a>`,
  (js) => `<img src="x" alt="&quot;&gt;&lt;img src=x onerror=${js}&gt;">`,
  (js) => `&lt;img src=x onerror=${js}&gt;`,
  (js) => `&lt;script&gt;${js}&lt;/script&gt;`,
  (js) => `&amp;lt;img src=x onerror=${js}&amp;gt;`,
  (js) => `"><script>${js}</script>`,
  (js) => `'><img src=x onerror=${js}>`,
  (js) => `</title><script>${js}</script>`,
  (js) => `</textarea><script>${js}</script>`,
  (js) => `</style><script>${js}</script>`,
  (js) => `</noscript><script>${js}</script>`,
  (js) => `</script><script>${js}</script>`,
  (js) =>
    `<svg><a><rect width="100" height="100"/><animate attributeName="href" values="javascript:${js}"/></a></svg>`,
  (js) => `<svg><set attributeName="onload" to="${js}"/></svg>`,
  (js) => `<svg><discard onbegin=${js}></svg>`,
  (js) => `<math><a xlink:href="javascript:${js}">math a</a></math>`,
  (js) =>
    `<img src="data:image/svg+xml;base64,${base64(`<svg xmlns="http://www.w3.org/2000/svg"><script>${js}</script></svg>`)}">`,
];

export interface Vector {
  /** Its number: what `alert` is called with if it runs. */
  n: number;
  /** What it is, for a failure's message. */
  name: string;
  html: string;
}

/** Every vector, numbered from 1. */
export function xssVectors(): Vector[] {
  const made: Array<{ name: string; make: Template }> = [];
  for (const [template, name] of HANDLERS) made.push({ name, make: (js) => template.replaceAll('$', js) });
  SCHEMES.forEach((scheme, s) => {
    // Each way of writing the scheme in a link, and the common ones in every place a URL goes.
    const places = s < 3 ? URL_PLACES : URL_PLACES.slice(0, 1);
    places.forEach((place, p) =>
      made.push({ name: `url scheme ${s} in place ${p}`, make: (js, n) => place(scheme(js, n)) }),
    );
  });
  OTHERS.forEach((make, i) => made.push({ name: `other ${i}`, make }));
  return made.map((m, i) => ({ n: i + 1, name: m.name, html: m.make(`alert(${i + 1})`, i + 1) }));
}
