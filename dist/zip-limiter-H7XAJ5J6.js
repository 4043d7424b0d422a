import{h as a,i as b}from"./chunk-TQLJR2MZ.js";import"./chunk-YOLU6RTF.js";import"./chunk-VUJKWCT3.js";export{a as DEFAULT_ZIP_BYTES,b as ZipLimiter};
