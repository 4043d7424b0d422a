import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{b as a,c as b,d as c,e as d,f as e,g as f,h as g,i as h}from"./chunk-AXCMQ3FN.js";import"./chunk-T26R2YCA.js";import"./chunk-LVKEIE3P.js";export{h as aliasStateMarkdown,f as headline,g as headlineMarkdown,d as headlineOf,e as markdownPiece,c as neverGotTraffic,b as peakShare,a as shareOf};
