import{j as a,k as b}from"./chunk-GLBG4ZXK.js";import"./chunk-YOLU6RTF.js";import"./chunk-VUJKWCT3.js";export{a as DEFAULT_ZIP_BYTES,b as ZipLimiter};
