function o(){let r=new Error("The operation was aborted");return r.name="AbortError",r}export{o as a};
