import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-SNP5CAL4.js";import"./chunk-ZRMD5LIK.js";import"./chunk-OMO3NOA7.js";import"./chunk-3RES35BK.js";import"./chunk-LVKEIE3P.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
