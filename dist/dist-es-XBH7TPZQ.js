import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);
import{a,b,c,d,e,f,g}from"./chunk-FGASBZ25.js";import"./chunk-R4VHKP3R.js";import"./chunk-3U764DMG.js";import"./chunk-F2MYIYBT.js";import"./chunk-LVKEIE3P.js";export{f as ENV_ACCOUNT_ID,e as ENV_CREDENTIAL_SCOPE,d as ENV_EXPIRATION,a as ENV_KEY,b as ENV_SECRET,c as ENV_SESSION,g as fromEnv};
