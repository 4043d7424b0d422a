import{c as a,d as b}from"./chunk-C3UPPOHN.js";import"./chunk-YOLU6RTF.js";import"./chunk-VUJKWCT3.js";export{a as DEFAULT_ZIP_BYTES,b as ZipLimiter};
