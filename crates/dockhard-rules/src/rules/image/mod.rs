pub mod dh400_eol_image;
