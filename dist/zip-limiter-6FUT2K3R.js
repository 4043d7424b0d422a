import{j as a,k as b}from"./chunk-F7OPKUUA.js";import"./chunk-365ARR7Y.js";import"./chunk-VUJKWCT3.js";export{a as DEFAULT_ZIP_BYTES,b as ZipLimiter};
